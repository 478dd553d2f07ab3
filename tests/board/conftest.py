"""Fixtures of the dashboard tests: settings with a board secret, the seeded app, an HTTP client, tokens."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

SECRET = "test-board-secret-0123456789"


@pytest.fixture
def settings(tmp_path):
    """Settings with the board on (a secret) and a public address for links."""
    from bot.settings import Settings, WebSettings

    return Settings(
        database_url=f"sqlite:///{tmp_path / 'app.db'}",
        files_dir=tmp_path / "files",
        outbox_dir=tmp_path / "outbox",
        web=WebSettings(secret=SECRET, base_url="https://board.example.test/"),
        _env_file=None,
    )


@pytest.fixture
def token_for(app):
    """Return a function making a signed token (for the console admin unless told otherwise)."""
    from handlers.board.tokens import issue

    def make(*, platform="console", user_id="admin", role="coordinator", hours=24, secret=SECRET, now=None):
        return issue(
            secret,
            platform=platform,
            user_id=user_id,
            name="测试",
            role=role,
            now=now or app.clock.now(),
            hours=hours,
        )

    return make


@pytest.fixture
async def client(seeded_app):
    """An HTTP client on the web app of the seeded ledger (the board mounted, no platform)."""
    from bot.web import create_web

    transport = httpx.ASGITransport(app=create_web(seeded_app, []))
    async with httpx.AsyncClient(transport=transport, base_url="https://board.example.test") as c:
        yield c


async def open_session(client, token) -> httpx.Response:
    """Open the board with a link's token; return the redirect (its cookie is kept by the client)."""
    return await client.get("/dashboard", params={"t": token})


def hours(n: float) -> timedelta:
    """Return n hours."""
    return timedelta(hours=n)
