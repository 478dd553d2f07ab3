"""CLI commands for the dashboard (看板): ``dashboard link`` prints a signed, expiring link on its last line."""

from __future__ import annotations

import typer

from bot.logs import setup_logging


def register(app: typer.Typer, opts, settings, fail) -> None:
    """Add the ``dashboard`` commands to the main CLI."""
    dashboard_app = typer.Typer(no_args_is_help=True, help="The leaders' dashboard (看板).")
    app.add_typer(dashboard_app, name="dashboard")

    @dashboard_app.command("link")
    def link_cmd(
        role: str = typer.Option("coordinator", "--role", help="coordinator | viewer"),
        hours: int = typer.Option(
            None, "--hours", help="Hours the link lasts (default LEDGERBOT_WEB__LINK_HOURS)."
        ),
        name: str = typer.Option("命令行", "--name", help="Whom the link names (shown on the pages)."),
    ) -> None:
        """Print a dashboard link for the operator (the link is the last line)."""
        setup_logging(opts.verbose, quiet=True)
        from bot.app import board_url
        from bot.core.clock import SystemClock
        from bot.web_board.routes import CLI_PLATFORM
        from handlers import operator_texts, texts
        from handlers.board.tokens import ROLES, issue
        from handlers.coordinator.board_link import link

        s = settings()
        hours = s.web.link_hours if hours is None else hours
        if role not in ROLES:
            fail(operator_texts.CLI_BOARD_ROLES)
        if not 1 <= hours <= 720:
            fail(operator_texts.CLI_BOARD_HOURS)
        if s.web.secret is None or not s.web.secret.get_secret_value():
            fail(operator_texts.CLI_BOARD_OFF)
        token = issue(
            s.web.secret.get_secret_value(),
            platform=CLI_PLATFORM,
            user_id=name,
            name=name,
            role=role,
            now=SystemClock().now(),
            hours=hours,
        )
        typer.echo(operator_texts.CLI_BOARD_LINK.format(role=texts.ROLE_NAMES.get(role, role), hours=hours))
        typer.echo(link(board_url(s), token))
