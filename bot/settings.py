"""Settings from LEDGERBOT_* environment variables (nested with __) and an optional .env file."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.clock import SHANGHAI
from handlers.jobs.schedule import Schedule


class TelegramSettings(BaseModel):
    """Telegram bot settings."""

    token: SecretStr | None = None
    base_url: str = "https://api.telegram.org/bot"
    base_file_url: str = "https://api.telegram.org/file/bot"
    webhook_secret: SecretStr | None = None
    webhook_url: str = ""
    bot_username: str = ""


class WeComSettings(BaseModel):
    """WeCom (企业微信) self-built app and group robot settings."""

    corp_id: str = ""
    agent_id: str = ""
    secret: SecretStr | None = None
    token: SecretStr | None = None
    encoding_aes_key: SecretStr | None = None
    api_base: str = "https://qyapi.weixin.qq.com"
    # Group robots: "NAME=KEY" entries (group chat wecom:NAME), or one bare KEY (wecom:default);
    # comma separated or a JSON list. NoDecode: a plain key is not JSON.
    robot_key: Annotated[list[SecretStr], NoDecode] = Field(default_factory=list)
    max_timestamp_skew: int = 300

    @field_validator("robot_key", mode="before")
    @classmethod
    def _split_robot_keys(cls, value: object) -> object:
        if isinstance(value, str):
            text = value.strip()
            return json.loads(text) if text.startswith("[") else [p for p in text.split(",") if p.strip()]
        return value


class DingTalkSettings(BaseModel):
    """DingTalk (钉钉) enterprise internal app robot settings (docs/dingtalk.md)."""

    client_id: str = ""  # the app's Client ID (AppKey)
    client_secret: SecretStr | None = None  # Client Secret (AppSecret): Stream login, tokens, HTTP signatures
    robot_code: str = ""  # defaults to client_id, as DingTalk sets it for an app's own robot
    mode: Literal["stream", "http"] = "stream"
    api_base: str = "https://api.dingtalk.com"  # the new OpenAPI: tokens, robot sends, the Stream gateway
    oapi_base: str = "https://oapi.dingtalk.com"  # the old API: media upload; sessionWebhook hosts
    max_timestamp_skew: int = 3600  # seconds an HTTP callback's timestamp may be off


class LightSettings(BaseModel):
    """Thresholds (percentage points behind 序时进度) for yellow and red."""

    yellow: float = 10.0
    red: float = 30.0


# ---- issue 21: the leaders' dashboard (看板)
class WebSettings(BaseModel):
    """The web board: the public address used in links, the secret that signs them, how long a link lasts."""

    base_url: str = ""  # e.g. https://ledger.example.gov.cn; empty: http://web_host:web_port
    secret: SecretStr | None = None  # signs dashboard links; without it the board is off
    link_hours: int = 24


class Settings(BaseSettings):
    """All settings; read once by the composition root and passed down."""

    model_config = SettingsConfigDict(
        env_prefix="LEDGERBOT_",
        env_nested_delimiter="__",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
    )

    database_url: str = "sqlite:///ledgerbot.db"
    timezone: str = SHANGHAI.key
    files_dir: Path = Path("files")
    outbox_dir: Path = Path("outbox")
    invite_hours: int = 72
    web_host: str = "127.0.0.1"
    web_port: int = 8080
    # ---- issue 17: hardening
    web_max_body: int = 1024 * 1024  # bytes; a bigger request body gets 413 before it is read
    telegram: TelegramSettings = Field(default_factory=TelegramSettings)
    wecom: WeComSettings = Field(default_factory=WeComSettings)
    dingtalk: DingTalkSettings = Field(default_factory=DingTalkSettings)
    schedule: Schedule = Field(default_factory=Schedule)
    lights: LightSettings = Field(default_factory=LightSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    # issue 18: seconds a stopping process keeps sending queued replies; the rest wait in the outbox
    shutdown_grace: float = 10.0
    # processes share each platform's send rate through this Redis (else PostgreSQL; SQLite: one process)
    redis_url: str = ""


def load_settings(**overrides) -> Settings:
    """Read settings from the environment and .env, with explicit overrides winning."""
    return Settings(**{k: v for k, v in overrides.items() if v is not None})
