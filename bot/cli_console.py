"""`ledgerbot console` and `ledgerbot demo`: the local chat on stdin/stdout.

The prompt names the current user as the chat knows them (督查室, 联络员（发改局）, 查阅, or the name of
someone not yet bound) and the bot's replies come after ``机器人>``. Logs never land in the chat: they go
to stderr when stderr is not where the chat is printed (``2>errors.txt``, a pipe of its own), and are
appended to ./ledgerbot.log when it is (a terminal, or ``2>&1``).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import typer

from bot.adapters.console import PLATFORM, ConsoleChat
from bot.logs import same_place, setup_logging
from storage.schemas import ContactInfo

SAMPLE = Path(__file__).with_name("sample") / "ledger_2025q1.txt"
LOG_FILE = Path("ledgerbot.log")


def console_label(roles: list[ContactInfo], user: str) -> str:
    """Return the prompt's label for a console user with ``roles`` (their name when they hold none)."""
    from handlers import operator_texts
    from nlp.units import short_name

    held = {r.role for r in roles}
    if held & {"admin", "coordinator"}:
        return operator_texts.CONSOLE_COORDINATOR
    units = [r.unit for r in roles if r.role == "contact" and r.unit]
    if units:
        return operator_texts.CONSOLE_CONTACT.format(unit="、".join(short_name(u) or u for u in units))
    if "viewer" in held:
        return operator_texts.CONSOLE_VIEWER
    return user


def log_file() -> Path | None:
    """Return the file the console's logs go to: None (stderr) when stderr is not where the chat is shown."""
    return LOG_FILE if same_place(sys.stdout, sys.stderr) else None


def register(app: typer.Typer, opts, with_app, run) -> None:
    """Add the console and demo commands to the main CLI."""

    @app.command("console")
    def console_cmd(user: str = typer.Option("admin", "--as", help="Start as this user.")) -> None:
        """Chat with the bot on stdin/stdout (`/as NAME` switches user; `admin` is the local coordinator)."""
        target = log_file()
        setup_logging(opts.verbose, quiet=True, file=target)
        run(_console(with_app, user, sample=False, logs=target))

    @app.command("demo")
    def demo_cmd() -> None:
        """The embedded default: ./ledgerbot.db, the sample ledger imported if empty, and the console."""
        target = log_file()
        setup_logging(opts.verbose, quiet=True, file=target)
        run(_console(with_app, "admin", sample=True, logs=target))


def make_chat(application, out: TextIO, user: str = "admin") -> ConsoleChat:
    """Return the console chat on ``application`` printing to ``out``, its prompt naming the current user."""
    from handlers import operator_texts

    async def who(name: str) -> str:
        async with application.uow() as uow:
            return console_label(await uow.chats.roles(PLATFORM, name), name)

    return ConsoleChat(
        application.engine,
        out,
        files_dir=application.settings.files_dir,
        outbox_dir=application.settings.outbox_dir,
        now=application.clock.now,
        user=user,
        who=who,
        bot_label=operator_texts.CONSOLE_BOT,
    )


async def _console(with_app, user: str, sample: bool, logs: Path | None) -> None:
    from handlers import operator_texts

    async def go(application):
        from handlers.manage.roles import ensure_console_admin

        async with application.uow() as uow:
            if sample and await uow.ledgers.get() is None:
                from handlers.ledger.files import parse_ledger_file
                from handlers.ledger.importer import import_ledger

                parsed = parse_ledger_file(SAMPLE)
                s = await import_ledger(uow, parsed, application.clock.now())
                typer.echo(f"已导入示例台账《{s.ledger}》：{s.categories}类、{s.items}项、{s.units}个单位。")
        async with application.uow() as uow:
            await ensure_console_admin(uow, application.clock.now())
        chat = make_chat(application, sys.stdout, user)
        interactive = sys.stdin.isatty()
        if interactive:
            typer.echo(operator_texts.CONSOLE_WELCOME)
            if logs is not None:
                typer.echo(operator_texts.CONSOLE_LOG_FILE.format(path=logs))
        await chat.run(sys.stdin, interactive=interactive)

    await with_app(go)
