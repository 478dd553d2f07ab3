"""Recognise commands in Chinese and slash forms (填报, /report, 绑定 CODE, 退回 3 原因…)."""

from __future__ import annotations

import re
import unicodedata

from pydantic import BaseModel, ConfigDict

# word -> command name; Chinese words count only as the message's first word (see parse_command).
WORDS: dict[str, str] = {
    "帮助": "help",
    "help": "help",
    "start": "help",
    "菜单": "help",
    "取消": "cancel",
    "cancel": "cancel",
    "退出": "cancel",
    "绑定": "bind",
    "bind": "bind",
    "解绑": "unbind",
    "解除绑定": "unbind",
    "unbind": "unbind",
    "填报": "filing",
    "report": "filing",
    "开始填报": "filing",
    "修改": "edit",
    "edit": "edit",
    "我的": "mine",
    "mine": "mine",
    "已报": "mine",
    "台账": "items",
    "项目列表": "items",
    "items": "items",
    "全部项目": "items",
    "开启报送": "open",
    "open": "open",
    "开启": "open",
    "关闭报送": "close",
    "close": "close",
    "截止": "deadline",
    "deadline": "deadline",
    "截止时间": "deadline",
    "邀请": "invite",
    "invite": "invite",
    "绑定码": "invite",
    "通过": "accept",
    "accept": "accept",
    "退回": "return",
    "return": "return",
    "导出": "export",
    "export": "export",
    "绑定群": "bindgroup",
    "bindgroup": "bindgroup",
    "概况": "overview",
    "overview": "overview",
    "总体情况": "overview",
    "lagging": "lagging",
    "missing": "missing",
    "unit": "unit",
    "item": "item",
    "history": "history",
    "admin": "admin",
    "viewer": "viewer",
    "确认": "confirm",
    "跳过": "skip",
    "重填": "redo",
    "人员": "people",
    "移除": "remove",
    "有效绑定码": "invites",
    "作废": "revoke",
}
# Commands whose Chinese word may be followed directly by its argument (绑定K7Q2M9).
_GLUED = ("绑定", "修改", "邀请", "通过", "退回", "导出", "开启报送", "关闭报送")


class Command(BaseModel):
    """A recognised command and the rest of the message."""

    model_config = ConfigDict(frozen=True)

    name: str
    args: str = ""
    slash: bool = False


def normalize(text: str) -> str:
    """Return text with full-width forms folded, control characters dropped and spaces trimmed."""
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    return text.strip()


def clean_text(text: str) -> str:
    """Return text as the user wrote it, minus control characters and surrounding blanks (for storing)."""
    return "".join(ch for ch in text or "" if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def parse_command(text: str) -> Command | None:
    """Return the command a message starts with, or None when it is free text (args keep the user's characters)."""
    original = clean_text(text)
    text = normalize(text)
    if not text:
        return None
    raw_parts = original.split(None, 1)
    raw_rest = raw_parts[1].strip() if len(raw_parts) > 1 else ""
    if text.startswith("/"):
        head = text[1:].split(None, 1)[0] if text[1:].strip() else ""
        head = head.split("@", 1)[0].lower()
        return Command(name=WORDS.get(head) or head, args=raw_rest, slash=True)
    head = text.split(None, 1)[0]
    if head.lower() in WORDS:
        return Command(name=WORDS[head.lower()], args=raw_rest)
    for word in sorted(_GLUED, key=len, reverse=True):
        if text.startswith(word) and len(text) > len(word):
            tail = text[len(word) :].strip("：: ")
            if word == "绑定" and not re.fullmatch(r"[A-Za-z0-9]{4,12}", tail):
                continue
            if word in ("修改", "通过", "退回") and not re.match(r"\d", tail):
                continue
            raw_tail = original[len(word) :].strip("：: ") if original.startswith(word) else tail
            return Command(name=WORDS[word], args=raw_tail)
    return None
