"""The ledgerbot command line (``ledgerbot`` and ``python -m bot``): one CLI for every process."""

from __future__ import annotations

import asyncio
import logging
import sys
from pathlib import Path
from typing import NoReturn

import typer

from bot.logs import failure_line, failure_traceback, redact, remember_secrets, secrets_of, setup_logging

app = typer.Typer(add_completion=False, no_args_is_help=True, help="ledgerbot — 进展情况台账机器人")
db_app = typer.Typer(no_args_is_help=True, help="Database schema (migrations).")
period_app = typer.Typer(no_args_is_help=True, help="Reporting periods (报送期).")
admin_app = typer.Typer(no_args_is_help=True, help="Roles: coordinators and viewers.")
group_app = typer.Typer(no_args_is_help=True, help="Group chats that receive summaries.")
app.add_typer(db_app, name="db")
app.add_typer(period_app, name="period")
app.add_typer(admin_app, name="admin")
app.add_typer(group_app, name="group")
_log = logging.getLogger("ledgerbot")


class _Options:
    db: str | None = None
    verbose: bool = False


OPTS = _Options()


@app.callback()
def _global(
    db: str | None = typer.Option(None, "--db", help="Database URL (overrides LEDGERBOT_DATABASE_URL)."),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Debug logging on stderr."),
) -> None:
    OPTS.db, OPTS.verbose = db, verbose


def _settings():
    from bot.settings import load_settings

    settings = load_settings(database_url=OPTS.db)
    remember_secrets(secrets_of(settings))  # never printed, in logs or errors
    return settings


def fail(message: str, code: int = 1) -> NoReturn:
    """Print an error for the operator and exit."""
    typer.secho(f"错误 (error): {redact(message)}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


async def _with_app(fn, *, clock=None):
    from bot.app import SchemaOutOfDateError, build_app

    try:
        application = await build_app(_settings(), clock=clock)
    except SchemaOutOfDateError as exc:
        fail(str(exc))
    try:
        return await fn(application)
    finally:
        await application.close()


def _run(coro):
    try:
        return asyncio.run(coro)
    except OSError as exc:
        fail(f"{exc}. Check the database URL (--db / LEDGERBOT_DATABASE_URL) and that the server is running.")


# ---------------------------------------------------------------- db
@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply all migrations to the database."""
    setup_logging(OPTS.verbose)
    from storage import db

    async def go():
        settings = _settings()
        engine = db.make_engine(settings.database_url)
        try:
            await db.upgrade(engine)
            rev = await db.current_revision(engine)
        finally:
            await engine.dispose()
        typer.echo(f"数据库已是最新结构 (schema at {rev}): {db.safe_url(settings.database_url)}")

    _run(go())


@db_app.command("current")
def db_current() -> None:
    """Print the database's migration revision."""
    setup_logging(OPTS.verbose, quiet=True)
    from storage import db

    async def go():
        engine = db.make_engine(_settings().database_url)
        try:
            typer.echo(await db.current_revision(engine) or "(empty)")
        finally:
            await engine.dispose()

    _run(go())


# ---------------------------------------------------------------- import and report
@app.command("report")
def report_cmd(
    period: str | None = typer.Option(None, "--period", help="YYYY-MM (default: latest)."),
    fmt: str = typer.Option("text", "--format", "-f", help="json | text | docx | xlsx | md | html | png"),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write to this file."),
) -> None:
    """Print or write the compiled ledger of a period."""
    setup_logging(OPTS.verbose, quiet=True)
    from handlers.ledger.renderers import FORMATS, render

    if fmt not in FORMATS:
        fail(f"不支持的格式“{fmt}”，可选：{' | '.join(FORMATS)}")

    async def go(application):
        from handlers import operator_texts
        from handlers.ledger.compile import compile_ledger
        from handlers.manage.periods import PeriodError, parse_code

        async with application.uow() as uow:
            ledger = await uow.ledgers.get()
            if ledger is None:
                fail(operator_texts.CLI_NO_LEDGER)
            try:
                code = parse_code(period, application.clock.now()) if period else None
            except PeriodError as exc:
                fail(str(exc))
            periods = await uow.ledgers.periods(ledger.id)
            found = [p for p in periods if p.code == code] if code else periods[-1:]
            if not found:
                fail(f"没有{code}报送期。已有：{'、'.join(p.code for p in periods) or '无'}")
            return await compile_ledger(uow, ledger, found[0], application.handler_config.thresholds)

    compiled = _run(_with_app(go))
    data, filename = render(compiled, fmt)
    if output is None and isinstance(data, bytes):
        output = Path("build") / filename
    if output is None:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        sys.stdout.write(text if text.endswith("\n") else text + "\n")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
    typer.echo(str(output))


@app.command("parse")
def parse_cmd(
    jsonl: Path | None = typer.Option(None, "--jsonl", help="Input JSONL: {id, content, progress}."),
    content: str | None = typer.Option(None, "--content", help="The item's content (目标)."),
    progress: str | None = typer.Argument(None, help="Progress text (进展)."),
) -> None:
    """Run the progress parser on a JSONL file (one result line per input) or on one text."""
    setup_logging(OPTS.verbose, quiet=True)
    from nlp.evaluation import format_readable, run_jsonl

    if jsonl is not None:
        stream = sys.stdin if str(jsonl) == "-" else jsonl.open(encoding="utf-8")
        with stream:
            errors = run_jsonl(stream, sys.stdout)
        if errors:
            typer.secho(f"{errors} line(s) could not be read; see their error objects.", err=True)
        return
    if content is None or progress is None:
        fail('用法：ledgerbot parse --jsonl IN  或  ledgerbot parse --content "目标" "进展文本"')
    from handlers import texts

    typer.echo(
        format_readable(content, progress, status_labels=texts.STATUS_LABELS, kind_labels=texts.KIND_LABELS)
    )


# ---------------------------------------------------------------- periods, invites, roles, groups
@period_app.command("open")
def period_open(
    code: str = typer.Argument(..., help="YYYY-MM"),
    deadline: str | None = typer.Option(
        None, "--deadline", help='"YYYY-MM-DD HH:MM", "4月25日17:00" or "4月25日" (Asia/Shanghai)'
    ),
    force: bool = typer.Option(False, "--force", help="Open it although another period is open."),
) -> None:
    """Open a reporting period; bound contacts get their prompts."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    result = _run(_with_app(lambda a: admin.cli_open_period(a, code, deadline, force=force)))
    _finish(result)


@period_app.command("list")
def period_list() -> None:
    """Every period: open or closed, its deadline, items filed of all."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(admin.cli_list_periods)))


@period_app.command("close")
def period_close(code: str = typer.Argument(..., help="YYYY-MM")) -> None:
    """Close a reporting period."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(lambda a: admin.cli_close_period(a, code))))


@admin_app.command("add")
def admin_add(
    who: str = typer.Argument(..., help="PLATFORM:USER_ID, e.g. telegram:12345"),
    role: str = typer.Option("admin", "--role", help="admin | coordinator | viewer"),
) -> None:
    """Give a person a role (admin by default)."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(lambda a: admin.cli_add_role(a, who, role))))


@group_app.command("add")
def group_add(
    where: str = typer.Argument(..., help="PLATFORM:CHAT_ID"),
    name: str = typer.Option("", "--name", help="A name for the group."),
) -> None:
    """Register a group chat for weekly summaries and the monthly ledger."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(lambda a: admin.cli_add_group(a, where, name))))


@group_app.command("list")
def group_list() -> None:
    """The group chats that receive summaries."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(admin.cli_list_groups)))


@group_app.command("remove")
def group_remove(where: str = typer.Argument(..., help="PLATFORM:CHAT_ID")) -> None:
    """Stop sending summaries to a group chat."""
    setup_logging(OPTS.verbose, quiet=True)
    from bot import operations as admin

    _finish(_run(_with_app(lambda a: admin.cli_remove_group(a, where))))


def _finish(result) -> None:
    ok, message = result
    if not ok:
        fail(message)
    typer.echo(message)


def _register_more() -> None:
    from bot import cli_board, cli_console, cli_import, cli_run

    cli_console.register(app, OPTS, _with_app, _run)
    cli_import.register(app, OPTS, _with_app, fail, _run)
    cli_run.register(app, OPTS, _with_app, fail)
    from bot import cli_admin

    cli_admin.register(app, admin_app, OPTS, _settings, _with_app, _run, fail, _finish)
    cli_board.register(app, OPTS, _settings, fail)
    try:
        from bot import cli_jobs
    except ImportError:  # the scheduler's commands arrive with the calendar work
        return
    cli_jobs.register(app, OPTS, _with_app, fail)


_register_more()


def _explain(exc: BaseException) -> str:
    """Return the operator's one line for a failure: a known cause in words, else the error's first line."""
    from handlers import operator_texts

    names = set()
    cause: BaseException | None = exc
    while cause is not None:
        names.add(type(cause).__name__)
        cause = cause.__cause__
    if "InvalidToken" in names:
        return operator_texts.CLI_TELEGRAM_TOKEN_REJECTED
    return operator_texts.CLI_FAILED.format(error=failure_line(exc))


def main() -> None:
    """Entry point of the console script: a failure is one clear line (the traceback only with --verbose)."""
    try:
        app()
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as exc:
        if OPTS.verbose:
            sys.stderr.write(failure_traceback(exc))
        typer.secho(f"错误 (error): {_explain(exc)}", fg=typer.colors.RED, err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
