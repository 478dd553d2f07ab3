"""CLI commands for the scheduled jobs: ``jobs list`` (next fire times) and ``jobs run NAME [--at TIME]``."""

from __future__ import annotations

import asyncio
from datetime import datetime

import typer

from bot.logs import setup_logging

_DESCRIPTIONS = {
    "open-period": "开启{period}报送期，提示各联络员",
    "remind": "{period}截止前提醒未报单位",
    "escalate": "{period}截止后向督查室通报未报单位",
    "weekly-summary": "周报（文字+图表）发各汇总群",
    "monthly-ledger": "{period}月度台账（Word+Excel）发各汇总群",
}


def parse_at(text: str, tz) -> datetime:
    """Return an aware time from ISO text ('2025-04-25T17:00+08:00', '2025-04-25 17:00'; naive = Asia/Shanghai)."""
    when = datetime.fromisoformat(text.strip())
    return when.replace(tzinfo=tz) if when.tzinfo is None else when


def format_when(when: datetime, tz) -> str:
    """Return '2025-05-20 09:00 (周二)' in ``tz``."""
    from handlers import texts
    from handlers.dates import moment_stamp

    return f"{moment_stamp(when, tz)} ({texts.WEEKDAYS[when.astimezone(tz).weekday()]})"


async def list_lines(app) -> list[str]:
    """Return one line per job: its next fire time (holidays shifted) and what it will do."""
    from handlers.jobs.runner import scheduled_periods
    from handlers.jobs.times import JOB_NAMES, JobConfig, WorkCalendar, next_fire

    cfg = JobConfig.from_settings(app.settings)
    cal = WorkCalendar(cfg.holidays)
    now = app.clock.now()
    periods = await scheduled_periods(app)
    width = max(map(len, JOB_NAMES)) + 2
    lines = [
        (
            f"{'job':<{width}}next ({cfg.timezone})     "
            f"{'（节假日顺延，调休上班日照常）' if cal.enabled else '（不按节假日调整）'}"
        )
    ]
    for name in JOB_NAMES:
        nxt = next_fire(name, now, cfg, cal, periods)
        if nxt.time is None:
            lines.append(f"{name:<{width}}—                       没有可排的时间（无报送期）")
            continue
        what = _DESCRIPTIONS[name].format(period=nxt.period or "")
        if name == "open-period" and nxt.period in {p.code for p in periods}:
            what = f"{nxt.period}报送期已开启，届时不重复开启、不再提示"
        if nxt.projected:
            what += "（报送期尚未开启，按默认截止日推算）"
        lines.append(f"{name:<{width}}{format_when(nxt.time, cfg.tz):<24}{what}")
    return lines


def register(app: typer.Typer, opts, with_app, fail) -> None:
    """Add the ``jobs`` commands to the main CLI."""
    jobs_app = typer.Typer(
        no_args_is_help=True, help="Scheduled jobs: list next fire times, run one by hand."
    )
    app.add_typer(jobs_app, name="jobs")

    @jobs_app.command("list")
    def jobs_list() -> None:
        """Print each job's next fire time (Asia/Shanghai, holidays shifted)."""
        setup_logging(opts.verbose, quiet=True)

        async def go(application):
            return await list_lines(application)

        for line in asyncio.run(with_app(go)):
            typer.echo(line)

    @jobs_app.command("run")
    def jobs_run(
        name: str = typer.Argument(
            ..., help="open-period | remind | escalate | weekly-summary | monthly-ledger"
        ),
        at: str | None = typer.Option(
            None, "--at", help="ISO time (default now); runs the latest fire time at or before it."
        ),
    ) -> None:
        """Run one job by hand for its latest fire time; a time already posted posts nothing (prints 0)."""
        setup_logging(opts.verbose, quiet=True)
        from handlers.jobs.runner import latest_due, run_job_once
        from handlers.jobs.times import JOB_NAMES, JobConfig, fire_key

        if name not in JOB_NAMES:
            fail(f"没有任务“{name}”，可选：{' | '.join(JOB_NAMES)} (unknown job)")

        async def go(application):
            from bot.scheduler import add_console_sender

            cfg = JobConfig.from_settings(application.settings)
            try:
                when = parse_at(at, cfg.tz) if at else application.clock.now()
            except ValueError:
                fail(f"时间“{at}”格式不对，应为 ISO 格式，例如 2025-04-25T17:00+08:00 (bad --at time)")
            fire = await latest_due(application, name, when, config=cfg)
            if fire is None:
                return None, when
            add_console_sender(application)
            return await run_job_once(application, name, fire, config=cfg), when

        run, when = asyncio.run(with_app(go))
        if run is None:
            typer.echo(f"posted 0 (nothing scheduled for {name} at or before {fire_key(when)})")
        elif not run.claimed:
            typer.echo(f"posted 0 (already done for {run.key})")
        else:
            typer.echo(f"posted {run.posted} (for {run.key})")
