"""The local console chat: stdin lines are messages, replies are printed, files land in a folder."""

from __future__ import annotations

import itertools
import re
import secrets
import time
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.core.messages import ChatRef, IncomingMessage, MessageKind
from bot.core.ports import MessageHandler
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply

PLATFORM = "console"
_SAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


class ConsoleChat:
    """Drive the engine as console users; print what the bot says and remember it for scripts and tests."""

    def __init__(
        self,
        handler: MessageHandler,
        out: TextIO,
        *,
        files_dir: Path,
        outbox_dir: Path,
        now: Callable[[], datetime],
        user: str = "admin",
    ) -> None:
        self._handler = handler
        self._out = out
        self._files_dir = files_dir
        self._outbox_dir = outbox_dir
        self._now = now
        self.user = user
        self._ids = itertools.count(1)
        # Unique per console, not only per millisecond: two consoles opened together must not share message
        # ids (the engine would drop one's message as the other's duplicate delivery).
        self._session = f"{int(time.time() * 1000):x}{secrets.token_hex(3)}"
        self._choices: dict[str, tuple[str, ...]] = {}
        self.transcript: list[tuple[str, str]] = []  # (chat key, text) of everything shown

    @property
    def last_text(self) -> str:
        """Return the text of the last reply shown to the current user."""
        mine = [t for key, t in self.transcript if key == f"{PLATFORM}:{self.user}"]
        return mine[-1] if mine else ""

    def switch(self, user: str) -> None:
        """Make ``user`` the sender of the next messages."""
        self.user = user.strip() or "admin"
        self._print(f"（当前用户：{self.user}）")

    async def say(self, text: str, *, group: str | None = None) -> list[str]:
        """Send ``text`` as the current user (in a group when named); return the texts shown to this user."""
        chat = ChatRef(platform=PLATFORM, chat_id=group or self.user, is_group=group is not None)
        kind: MessageKind = "text"
        choices = self._choices.get(chat.key, ())
        stripped = text.strip()
        if stripped.isdigit() and choices and 1 <= int(stripped) <= len(choices):
            text, kind = choices[int(stripped) - 1], "choice"
        elif stripped.startswith("/"):
            kind = "command"
        msg = IncomingMessage(
            message_id=f"{self._session}-{next(self._ids)}",
            chat=chat,
            user_id=self.user,
            user_name=self.user,
            text=text,
            sent_at=self._now(),
            kind=kind,
        )
        start = len(self.transcript)
        for outbound in await self._handler.handle(msg):
            self.show(outbound)
        return [t for key, t in self.transcript[start:] if key == chat.key]

    async def deliver(self, msg: IncomingMessage) -> list[Outbound]:
        """Hand a prepared message to the engine (duplicate-delivery tests) and show the replies."""
        outs = list(await self._handler.handle(msg))
        for outbound in outs:
            self.show(outbound)
        return outs

    def show(self, outbound: Outbound) -> None:
        """Print one outbound message; a group's post is also written to the outbox folder."""
        chat = outbound.chat
        mine = chat.chat_id == self.user and not chat.is_group
        header = "" if mine else f"→ 发给{'群' if chat.is_group else ''}【{chat.chat_id}】："
        lines: list[str] = []
        for reply in outbound.replies:
            if isinstance(reply, TextReply):
                body = reply.text
                if reply.choices:
                    body += "\n" + "\n".join(f"  {i}. {c}" for i, c in enumerate(reply.choices, 1))
                    self._choices[chat.key] = reply.choices
                else:
                    self._choices.pop(chat.key, None)
                lines.append(body)
            elif isinstance(reply, MarkdownReply):
                lines.append(reply.plain)
            elif isinstance(reply, (FileReply, ImageReply)):
                path = self._write(self._files_dir, reply.filename, reply.content)
                lines.append(f"[文件] {path}" + (f"  {reply.caption}" if reply.caption else ""))
        text = "\n".join(lines)
        self.transcript.append((chat.key, text))
        self._print((header + "\n" if header else "") + text)
        if chat.is_group:
            stamp = self._now().strftime("%Y%m%d-%H%M%S")
            self._write(self._outbox_dir / _SAFE.sub("_", chat.chat_id), f"{stamp}.txt", text.encode("utf-8"))

    def _write(self, folder: Path, filename: str, content: bytes) -> Path:
        folder.mkdir(parents=True, exist_ok=True)
        name = _SAFE.sub("_", filename) or "file"
        path = folder / name
        n = 1
        while path.exists():
            stem, dot, suffix = name.rpartition(".")
            path = folder / (f"{stem}-{n}.{suffix}" if dot else f"{name}-{n}")
            n += 1
        path.write_bytes(content)
        return path

    def _print(self, text: str) -> None:
        self._out.write(text.rstrip("\n") + "\n\n")
        self._out.flush()

    async def run(self, inp: TextIO) -> None:
        """Read messages until end of input; `/as NAME` switches user, a trailing backslash continues a line."""
        pending = ""
        for raw in inp:
            line = raw.rstrip("\n")
            if line.endswith("\\"):
                pending += line[:-1] + "\n"
                continue
            text, pending = pending + line, ""
            if not text.strip():
                continue
            if text.startswith("/as ") or text.strip() == "/as":
                self.switch(text[4:])
                continue
            if text.startswith("/group "):
                name, _, rest = text[7:].partition(" ")
                await self.say(rest, group=name)
                continue
            await self.say(text)
