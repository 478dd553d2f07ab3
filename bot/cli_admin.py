"""CLI commands for keeping and governing the data: backup, restore, audit, admin list|remove, invite."""

from __future__ import annotations

from pathlib import Path

import typer

from bot.logs import setup_logging


def register(app: typer.Typer, admin_app: typer.Typer, opts, settings, with_app, run, fail, finish) -> None:
    """Add the commands to the main CLI (``settings``, ``with_app``, ``run``, ``fail``, ``finish`` from cli.py)."""

    @app.command("backup")
    def backup_cmd(path: Path = typer.Argument(..., help="The backup file to write.")) -> None:
        """Write a consistent snapshot of the whole database (SQLite: a database file; PostgreSQL: a JSON dump)."""
        setup_logging(opts.verbose, quiet=True)
        from handlers import operator_texts
        from storage import db
        from storage.backup import BackupError, backup

        async def go():
            url = settings().database_url
            engine = db.make_engine(url)
            try:
                return await backup(url, engine, path)
            except BackupError as exc:
                fail(str(exc))
            finally:
                await engine.dispose()

        counts = run(go())
        typer.echo(
            operator_texts.CLI_BACKUP_DONE.format(path=path, rows=sum(counts.values()), tables=len(counts))
        )

    @app.command("restore")
    def restore_cmd(
        path: Path = typer.Argument(..., help="A file written by `ledgerbot backup`."),
        force: bool = typer.Option(False, "--force", help="Replace everything in a database that has data."),
    ) -> None:
        """Load a backup into an empty database (a database with data only with --force)."""
        setup_logging(opts.verbose, quiet=True)
        from handlers import operator_texts
        from storage import db
        from storage.backup import BackupError, restore

        async def go():
            engine = db.make_engine(settings().database_url)
            try:
                return await restore(engine, path, force=force)
            except BackupError as exc:
                fail(str(exc))
            finally:
                await engine.dispose()

        counts = run(go())
        typer.echo(
            operator_texts.CLI_RESTORE_DONE.format(path=path, rows=sum(counts.values()), tables=len(counts))
        )

    @app.command("audit")
    def audit_cmd(
        limit: int = typer.Option(200, "--limit", "-n", help="How many of the newest acts."),
    ) -> None:
        """Print the audit log: periods, reviews, imports, roles, bindings and invites, oldest first."""
        setup_logging(opts.verbose, quiet=True)

        async def go(application):
            async with application.uow() as uow:
                entries = await uow.admin.audit_entries(limit=limit)
            return [
                f"{e.at.astimezone(application.tz):%Y-%m-%d %H:%M:%S}  {e.actor:<24} {e.action:<16} {e.detail}"
                for e in entries
            ]

        for line in run(with_app(go)):
            typer.echo(line)

    @admin_app.command("list")
    def admin_list() -> None:
        """List everyone with a role (admins, coordinators, viewers, contacts)."""
        setup_logging(opts.verbose, quiet=True)
        from bot import operations_admin as ops

        finish(run(with_app(ops.cli_people)))

    @admin_app.command("remove")
    def admin_remove(
        who: str = typer.Argument(..., help="PLATFORM:USER_ID"),
        role: str | None = typer.Option(None, "--role", help="Only this role (default: every role)."),
    ) -> None:
        """Take a person's roles away (a contact's binding too)."""
        setup_logging(opts.verbose, quiet=True)
        from bot import operations_admin as ops

        finish(run(with_app(lambda a: ops.cli_remove_person(a, who, role))))

    @app.command("invite")
    def invite_cmd(
        unit: str = typer.Argument(
            ..., help="Unit name or short name (区卫健局 / 卫健局); or list; or revoke."
        ),
        code: str | None = typer.Argument(None, help="With revoke: the code to make unusable."),
        role: str = typer.Option("contact", "--role", help="contact | coordinator | viewer"),
    ) -> None:
        """Print a one-time binding code for a unit's contact (alone on the last line); `invite list` shows
        the live codes, `invite revoke CODE` makes one unusable."""
        setup_logging(opts.verbose, quiet=True)
        from bot import operations as admin
        from bot import operations_admin as ops

        if unit == "list":
            finish(run(with_app(ops.cli_invites)))
        elif unit == "revoke":
            revoked = code or fail("用法：ledgerbot invite revoke 绑定码")
            finish(run(with_app(lambda a: ops.cli_revoke(a, revoked))))
        else:
            finish(run(with_app(lambda a: admin.cli_invite(a, unit, role))))
