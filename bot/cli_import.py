"""`ledgerbot import`: import a ledger file in any layout, preview it (--dry-run) or undo the last import."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import typer

from bot.logs import setup_logging


def register(app: typer.Typer, opts, with_app, fail, run) -> None:
    """Add the import command to the main CLI."""

    @app.command("import")
    def import_cmd(
        path: Path | None = typer.Argument(
            None, help="Ledger file: .docx .xlsx .xls .doc .wps .csv or the .txt export."
        ),
        dry_run: bool = typer.Option(False, "--dry-run", help="Show the preview; change nothing."),
        undo: bool = typer.Option(
            False, "--undo", help="Restore the ledger as it was before the last import."
        ),
        period: str | None = typer.Option(
            None, "--period", help="YYYY-MM, when the file does not say it (default: last month)."
        ),
    ) -> None:
        """Import a ledger (台账) in any layout; re-importing the same file changes nothing."""
        from handlers import texts

        setup_logging(opts.verbose, quiet=True)
        if undo:
            typer.echo(run(_undo(with_app)))
            return
        if path is None:
            fail(texts.I14_CLI_NO_FILE)
            return
        if period is not None and not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            fail(texts.I14_CLI_PERIOD.format(period=period))
        if not path.exists():
            fail(texts.FILE_MISSING.format(path=path))
        data = path.read_bytes()  # parsed, and kept with the import so that it can be undone
        summary = run(_import(path, data, dry_run, period, with_app, fail))
        if dry_run:
            return
        typer.echo(
            f"已导入《{summary.ledger}》{summary.period}：{summary.categories}个类别、{summary.items}个项目、"
            f"{summary.units}个责任单位"
        )
        typer.echo(
            f"categories={summary.categories} items={summary.items} units={summary.units} "
            f"created={summary.items_created} changed={summary.items_changed} "
            f"retired={summary.items_retired} submissions={summary.submissions_added}"
        )
        if not summary.changed:
            typer.echo("内容与上次导入相同，没有变化 (nothing changed).")


async def _undo(with_app) -> str:
    from handlers import texts
    from handlers.ledger.imports import undo_last_import

    async def go(application):
        async with application.uow() as uow:
            result = await undo_last_import(uow, application.clock.now(), commit=True)
        if result is None:
            return texts.I14_NOTHING_TO_UNDO
        restored = texts.I14_UNDONE_RESTORED if result.restored else texts.I14_UNDONE_EMPTY
        return texts.I14_UNDONE.format(
            ledger=result.ledger,
            filename=result.filename,
            removed=result.removed_submissions,
            restored=restored,
        )

    return await with_app(go)


async def _import(path: Path, data: bytes, dry_run: bool, period: str | None, with_app, fail):
    from datetime import datetime

    from rich.progress import Progress

    from bot.core.clock import SHANGHAI
    from handlers.ledger.files import parse_ledger_file
    from handlers.ledger.importer import import_ledger
    from handlers.ledger.imports import preview_import, preview_text, snapshot
    from handlers.ledger.period import previous_month
    from handlers.ledger.reader import LedgerFileError

    default = (int(period[:4]), int(period[5:])) if period else previous_month(datetime.now(SHANGHAI).date())
    try:
        parsed = parse_ledger_file(path, data, default_period=default)
    except LedgerFileError as exc:
        fail(f"{exc}\n请检查该文件后重试；数据库没有任何改动。")

    async def go(application):
        now = application.clock.now()
        if dry_run:
            async with application.uow() as uow:
                preview = await preview_import(uow, parsed)
            typer.echo("（试运行，未写入）" + preview_text(parsed, preview))
            typer.echo(
                f"categories={len(parsed.categories)} items={len(parsed.items)} units={len(parsed.units)} "
                f"created={preview.new} changed={preview.changed} retired={preview.retired}"
            )
            return None
        with Progress(transient=True, disable=not sys.stderr.isatty()) as bar:
            task = bar.add_task("导入中", total=len(parsed.items))
            async with application.uow() as uow:
                before = await snapshot(uow, parsed.name)
                summary = await import_ledger(
                    uow, parsed, now, on_item=lambda n: bar.update(task, completed=n), commit=False
                )
                import_id = await uow.imports.add(path.name, data, "cli", now)
                await uow.imports.applied(
                    import_id, parsed.name, parsed.period, list(summary.submission_ids), now, before=before
                )
                await uow.admin.audit(now, "cli", "import", f"{path.name} {summary.period}")
                await uow.commit()
                return summary

    return await with_app(go)
