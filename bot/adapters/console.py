"""The local console chat: stdin lines are messages, replies are printed, files land in a folder.

What it prints reads like the README: ``督查室> 台账`` for what the current user sent (echoed when stdin is not
a terminal; a terminal echoes it already after the prompt), ``机器人> …`` for the bot, and continuation lines
indented under the first. Labels come from the caller (``who``): the console adapter knows no roles.
"""

from __future__ import annotations

import asyncio
import itertools
import re
import secrets
import time
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import datetime
from pathlib import Path
from typing import TextIO

from bot.core.messages import Attachment, ChatRef, IncomingMessage, MessageKind
from bot.core.ports import MessageHandler
from bot.core.replies import FileReply, ImageReply, MarkdownReply, Outbound, TextReply

PLATFORM = "console"
_SAFE = re.compile(r"[^\w.\-\u4e00-\u9fff]+")


def width(text: str) -> int:
    """Return the columns ``text`` takes on a terminal (a Chinese character takes two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def labelled(label: str, text: str) -> str:
    """Return ``text`` after ``label> `` with every further line indented under the first."""
    head = f"{label}> "
    pad = " " * width(head)
    lines = text.split("\n")
    rest = [(pad + line).rstrip() for line in lines[1:]]
    return "\n".join([(head + lines[0]).rstrip(), *rest])


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
        who: Callable[[str], Awaitable[str]] | None = None,
        bot_label: str = "机器人",  # as handlers/operator_texts.CONSOLE_BOT (an adapter imports no handlers)
    ) -> None:
        self._handler = handler
        self._out = out
        self._files_dir = files_dir
        self._outbox_dir = outbox_dir
        self._now = now
        self.user = user
        self._who = who
        self._bot_label = bot_label
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

    async def say(
        self, text: str, *, group: str | None = None, attachments: tuple[Attachment, ...] = ()
    ) -> list[str]:
        """Send ``text`` as the current user (in a group when named); return the texts shown to this user."""
        chat = ChatRef(platform=PLATFORM, chat_id=group or self.user, is_group=group is not None)
        kind: MessageKind = "text"
        choices = self._choices.get(chat.key, ())
        stripped = text.strip()
        if attachments:
            kind = "file"
        elif stripped.isdigit() and choices and 1 <= int(stripped) <= len(choices):
            text, kind = choices[int(stripped) - 1], "choice"
        elif stripped.startswith("/"):
            kind = "command"
        msg = IncomingMessage(
            message_id=f"{self._session}-{next(self._ids)}",
            chat=chat,
            user_id=self.user,
            user_name=self.user,
            text=text,
            attachments=attachments,
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
        self._print(labelled(self._bot_label, (header + "\n" if header else "") + text))
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
        self._out.write(text.rstrip("\n") + "\n")
        self._out.flush()

    async def label(self) -> str:
        """Return the prompt's label for the current user (the caller's ``who``, else the user's name)."""
        return await self._who(self.user) if self._who is not None else self.user

    async def run(self, inp: TextIO, *, interactive: bool = False) -> None:
        """Read messages until end of input; `/as NAME` switches user, a trailing backslash continues a line.

        ``interactive`` (a terminal) prints the prompt before each line; otherwise each message read is
        echoed after its prompt, so that the output is the whole conversation.
        """
        pending = ""
        while True:
            if interactive:
                head = f"{await self.label()}> "
                self._out.write(" " * width(head) if pending else head)
                self._out.flush()
            raw = inp.readline()
            if not raw:
                if interactive:
                    self._out.write("\n")
                break
            line = raw.rstrip("\n")
            if line.endswith("\\"):
                pending += line[:-1] + "\n"
                continue
            text, pending = pending + line, ""
            if not text.strip():
                continue
            if not interactive:
                self._print(labelled(await self.label(), text))
            if text.startswith("/as ") or text.strip() == "/as":
                self.switch(text[4:])
                continue
            if text.startswith("/group "):
                name, _, rest = text[7:].partition(" ")
                await self.say(rest, group=name)
                continue
            if text.startswith("/file "):
                await self.send_file(Path(text[6:].strip()))
                continue
            await self.say(text)

    async def send_file(self, path: Path) -> list[str]:
        """Send the file at ``path`` as the current user, as a chat upload would (`/file PATH` on the console)."""
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            self._print(f"（读不到文件 {path}：{exc.strerror or exc}）")
            return []
        return await self.say("", attachments=(Attachment(filename=path.name, content=content),))
