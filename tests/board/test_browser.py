"""The dashboard in a real headless Chromium: open a link, read the board, follow a unit and an item,
compare lights and figures with the JSON report, and save screenshots at phone and desktop widths.

Screenshots go to build/board-screenshots/ (board, unit and item pages at 390 px and 1280 px).
"""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest

from tests.board.browser import Page, chromium_page
from tests.handlers.dialogue_helpers import open_april

pytestmark = pytest.mark.slow
SHOTS = Path(__file__).resolve().parents[2] / "build" / "board-screenshots"
PHONE, DESKTOP = (390, 844), (1280, 900)
LABELS = {"red": "红灯", "yellow": "黄灯", "green": "绿灯"}
ROWS_JS = """JSON.stringify([...document.querySelectorAll('tr.item')].map(tr => ({
  id: +tr.dataset.item, light: tr.dataset.light, completion: tr.dataset.completion,
  label: tr.querySelector('.light').textContent, content: tr.querySelector('.item-link').textContent,
  units: [...tr.querySelectorAll('.unit-link')].map(a => a.textContent)})))"""


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


async def _json_report(app, period: str) -> dict:
    from handlers.ledger.compile import compile_ledger
    from handlers.ledger.renderers import render

    async with app.uow() as uow:
        ledger = await uow.ledgers.get()
        compiled = await compile_ledger(
            uow, ledger, await uow.ledgers.period(ledger.id, period), app.handler_config.thresholds
        )
    text, _ = render(compiled, "json")
    return json.loads(text)


async def _rows(page: Page) -> list[dict]:
    return json.loads(str(await page.eval(ROWS_JS)))


async def _shoot(page: Page, name: str) -> None:
    for label, (width, height) in (("phone", PHONE), ("desktop", DESKTOP)):
        await page.viewport(width, height, mobile=label == "phone")
        await page.eval("new Promise(r => requestAnimationFrame(() => r(1)))")
        # Nothing wider than the screen: no sideways scrolling on a phone.
        overflow = await page.eval(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow == 0, (name, label)
        shot = await page.screenshot(SHOTS / f"{name}-{label}.png")
        assert width - 20 <= _png_size(shot)[0] <= width  # less a scroll bar on the desktop


@pytest.fixture
async def server(seeded_app):
    from bot.platforms.web_server import WebService

    await open_april(seeded_app)  # April is open: the board shows it, values carried from March
    service = WebService(seeded_app, [], name="board-test", host="127.0.0.1", port=0)
    await service.start()
    yield f"http://127.0.0.1:{service.port}"
    await service.stop()


async def test_the_board_in_chromium_matches_the_json_report(seeded_app, server, token_for):
    report = await _json_report(seeded_app, "2025-04")
    async with chromium_page() as page:
        assert (await page.goto(f"{server}/dashboard")) == f"{server}/dashboard"
        assert "发送“看板”" in str(await page.eval("document.body.innerText"))
        assert "基层医疗" not in str(await page.eval("document.body.innerText"))

        landed = await page.goto(f"{server}/dashboard?t={token_for()}")
        assert landed == f"{server}/dashboard"  # the token left the address bar
        assert await page.eval("document.cookie") == ""  # the session cookie is HttpOnly
        # The stylesheet loaded under the CSP: the header is white, the red light red.
        assert (
            await page.eval("getComputedStyle(document.querySelector('header.top')).backgroundColor")
            == "rgb(255, 255, 255)"
        )

        rows = await _rows(page)
        assert len(rows) == len(report["rows"]) == 33
        for shown, want in zip(rows, report["rows"], strict=True):
            assert shown["light"] == want["light"]
            assert shown["label"] == LABELS[want["light"]]
            assert shown["content"] == want["content"]
            if want["completion"] is None:
                assert shown["completion"] == ""
            else:
                assert float(shown["completion"]) == pytest.approx(want["completion"], abs=1e-4)
        tiles = json.loads(
            str(
                await page.eval(
                    "JSON.stringify(Object.fromEntries([...document.querySelectorAll('ul.lights li')].map(li => [li.dataset.key, +li.querySelector('b').textContent])))"
                )
            )
        )
        for light in LABELS:
            assert tiles[light] == sum(1 for r in report["rows"] if r["light"] == light)
        assert "序时进度 32.9%" in str(await page.eval("document.querySelector('.meta').textContent"))
        await _shoot(page, "board")

        # Follow a unit: its page lists exactly the board's items of that unit.
        unit = str(await page.eval("document.querySelector('a.unit-link').textContent"))
        await page.viewport(*DESKTOP, mobile=False)
        assert "/dashboard/unit/" in await page.click("a.unit-link")
        assert await page.eval("document.querySelector('h2.unit-name').textContent") == unit
        unit_rows = await _rows(page)
        assert [r["id"] for r in unit_rows] == [r["id"] for r in rows if unit in r["units"]]
        await _shoot(page, "unit")

        # Follow an item: its figures and the chart over March and April.
        await page.viewport(*DESKTOP, mobile=False)
        first = unit_rows[0]
        assert f"/dashboard/item/{first['id']}" in await page.click("a.item-link")
        head = json.loads(
            str(
                await page.eval(
                    "JSON.stringify(Object.assign({}, document.querySelector('.item-head').dataset))"
                )
            )
        )
        want = next(r for r in report["rows"] if r["content"] == first["content"])
        assert head["light"] == want["light"]
        points = json.loads(
            str(
                await page.eval(
                    "JSON.stringify([...document.querySelectorAll('svg.chart circle.point')].map(c => c.dataset.period))"
                )
            )
        )
        assert points == (["2025-03", "2025-04"] if want["completion"] is not None else [])
        assert await page.eval("document.querySelectorAll('table.revisions tbody tr').length") >= 1
        await _shoot(page, "item")

        # Back to the board by its navigation; the period picker goes back to March.
        await page.viewport(*DESKTOP, mobile=False)
        assert (await page.click("nav a")).endswith("/dashboard?period=2025-04")
        await page.eval("document.querySelector('#period').value = '2025-03'")
        assert "period=2025-03" in await page.click(".picker button")
        march = await _json_report(seeded_app, "2025-03")
        assert [r["light"] for r in await _rows(page)] == [r["light"] for r in march["rows"]]
