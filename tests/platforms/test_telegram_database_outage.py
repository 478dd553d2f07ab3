"""`ledgerbot run telegram` while PostgreSQL goes away: an update that arrives then is fetched again once the
database is back, and handled once (issue 17, item 1)."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import uuid

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.app import build_app
from bot.settings import Settings
from tests.conftest import PG_ENV, import_seed
from tests.fakes.fake_telegram import FakeTelegram
from tests.platforms.tcp_proxy import CuttableProxy
from tests.platforms.test_telegram_process import CONTACT, ROOT, bot_texts, say, start_bot

pytestmark = pytest.mark.skipif(not os.environ.get(PG_ENV), reason=f"needs a PostgreSQL server ({PG_ENV})")


@pytest.fixture
async def pg_url():
    """Yield the URL of a fresh PostgreSQL database."""
    base = make_url(os.environ[PG_ENV])
    name = f"ledgerbot_test_{uuid.uuid4().hex[:10]}"
    admin = base.set(drivername="postgresql", database=base.database or "postgres")
    admin_dsn = admin.render_as_string(hide_password=False)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    yield base.set(database=name)
    conn = await asyncpg.connect(admin_dsn)
    try:
        await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await conn.close()


async def inbox_rows(url: str, text: str) -> list[tuple[str, str]]:
    conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(False))
    try:
        rows = await conn.fetch("SELECT message_id, state FROM inbox WHERE text = $1 ORDER BY id", text)
    finally:
        await conn.close()
    return [(r["message_id"], r["state"]) for r in rows]


async def test_an_update_that_arrives_while_postgres_is_cut_is_handled_once_it_is_back(
    tmp_path, segmenter, pg_url
):
    url = pg_url.render_as_string(hide_password=False)
    app = await build_app(
        Settings(database_url=url, files_dir=tmp_path / "files", _env_file=None),
        segmenter=segmenter,
        migrate=True,
    )
    try:
        await import_seed(app)
    finally:
        await app.close()
    async with (
        CuttableProxy(pg_url.host or "127.0.0.1", pg_url.port or 5432) as proxy,
        FakeTelegram() as fake,
    ):
        through_proxy = pg_url.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith("LEDGERBOT_")}
        env.update(
            LEDGERBOT_TELEGRAM__TOKEN=fake.token,
            LEDGERBOT_TELEGRAM__BASE_URL=fake.base_url,
            LEDGERBOT_TELEGRAM__BASE_FILE_URL=fake.base_file_url,
            LEDGERBOT_DATABASE_URL=through_proxy,
            LEDGERBOT_FILES_DIR=str(tmp_path / "files"),
            PYTHONPATH=str(ROOT),
        )
        stderr_path = tmp_path / "stderr.txt"
        proc = start_bot(tmp_path, env, stderr_path)
        try:
            await fake.wait_for(lambda: bool(fake.calls_of("getUpdates")) or proc.poll() is not None, 60)
            assert proc.poll() is None, stderr_path.read_text()
            assert "绑定码" in await say(fake, proc, "/start", "绑定码")

            proxy.cut()
            fake.push_text(CONTACT, CONTACT, "/help")
            polls = len(fake.calls_of("getUpdates"))
            # The bot fetches the update and fails to store it while the database is away.
            await fake.wait_for(lambda: len(fake.calls_of("getUpdates")) > polls, 30)
            await asyncio.sleep(2.0)
            assert not [t for t in bot_texts(fake) if "帮助" in t or "绑定" in t][1:]
            proxy.restore()

            await fake.wait_for(lambda: len(bot_texts(fake)) >= 2 or proc.poll() is not None, 45)
            assert proc.poll() is None, stderr_path.read_text(errors="replace")
            await asyncio.sleep(2.0)  # a second answer to the same update would arrive by now
            assert len(bot_texts(fake)) == 2, bot_texts(fake)
            rows = await inbox_rows(url, "/help")
            assert len(rows) == 1 and rows[0][1] == "handled", rows
        finally:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
            try:
                await asyncio.to_thread(proc.wait, 30)
            except subprocess.TimeoutExpired:
                proc.kill()
                raise
    log = stderr_path.read_text(errors="replace")
    assert "not recorded" in log and "fetching them again" in log, log
    assert "Traceback" not in log, log
