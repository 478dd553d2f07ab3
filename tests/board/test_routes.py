"""The dashboard over HTTP: refused without a valid session, a link opens a session, pages and downloads."""

from __future__ import annotations

import io
import logging
import re

import pytest

from tests.board.conftest import hours, open_session

LEDGER_TEXT = "基层医疗服务提升工程"  # a category of the seed: must never show without access


async def test_without_a_session_every_page_answers_401_and_shows_no_ledger_text(client):
    for path in (
        "/dashboard",
        "/dashboard/unit/1",
        "/dashboard/item/1",
        "/dashboard/missing",
        "/dashboard/download/docx",
    ):
        r = await client.get(path)
        assert r.status_code == 401, path
        assert LEDGER_TEXT not in r.text and "卫健局" not in r.text
        assert "看板" in r.text


@pytest.mark.parametrize("case", ["expired", "tampered", "other-secret", "garbage"])
async def test_bad_links_are_refused_with_403(client, token_for, app, case):
    if case == "expired":
        token = token_for(now=app.clock.now() - hours(25))
    elif case == "tampered":
        token = token_for()
        token = token[:10] + ("A" if token[10] != "A" else "B") + token[11:]
    elif case == "other-secret":
        token = token_for(secret="not the board's")
    else:
        token = "definitely-not-a-token"
    r = await open_session(client, token)
    assert r.status_code == 403
    assert LEDGER_TEXT not in r.text
    assert "ledgerbot_board" not in client.cookies
    assert (await client.get("/dashboard")).status_code == 401


async def test_a_link_sets_a_session_cookie_and_redirects_to_the_clean_url(client, token_for):
    token = token_for()
    r = await client.get("/dashboard", params={"period": "2025-03", "t": token})
    assert r.status_code == 303
    assert r.headers["location"] == "/dashboard?period=2025-03"
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "Path=/dashboard" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    page = await client.get(r.headers["location"])
    assert page.status_code == 200
    assert LEDGER_TEXT in page.text
    assert token not in page.text


async def test_pages_carry_security_headers(client, token_for):
    await open_session(client, token_for())
    r = await client.get("/dashboard")
    csp = r.headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp and "frame-ancestors 'none'" in csp
    assert r.headers["referrer-policy"] == "no-referrer"
    assert r.headers["cache-control"] == "no-store"
    assert r.headers["x-content-type-options"] == "nosniff"


async def test_an_expired_session_cookie_is_refused(client, token_for, app):
    await open_session(client, token_for(hours=1))
    assert (await client.get("/dashboard")).status_code == 200
    app.clock.advance(hours=1)
    r = await client.get("/dashboard")
    assert r.status_code == 403
    assert LEDGER_TEXT not in r.text


async def test_a_person_whose_role_is_revoked_is_refused_at_once(client, token_for):
    await open_session(client, token_for(platform="wecom", user_id="nobody"))
    r = await client.get("/dashboard")
    assert r.status_code == 403
    assert LEDGER_TEXT not in r.text


async def test_the_board_lists_every_item_with_its_light(client, token_for):
    await open_session(client, token_for())
    r = await client.get("/dashboard")
    rows = re.findall(r'<tr class="item (\w+)" data-item="(\d+)" data-number="(\d+)"', r.text)
    assert len(rows) == 33  # the seed's 33 items (tests/reports/test_report_package.py)
    assert [int(n) for _, _, n in rows] == list(range(1, 34))
    counts = dict(re.findall(r'<li class="(red|yellow|green)" data-key="\w+"><b>(\d+)</b>', r.text))
    for light in ("red", "yellow", "green"):
        assert int(counts[light]) == sum(1 for lt, _, _ in rows if lt == light)


async def test_a_unit_an_item_and_the_missing_units(client, token_for):
    await open_session(client, token_for())
    board = (await client.get("/dashboard")).text
    unit_id, unit_name = re.search(r'href="/dashboard/unit/(\d+)\?period=[\d-]+">([^<]+)</a>', board).groups()
    unit = await client.get(f"/dashboard/unit/{unit_id}")
    assert unit.status_code == 200
    assert f'<h2 class="unit-name">{unit_name}</h2>' in unit.text
    item_id = re.search(r'href="/dashboard/item/(\d+)', board).group(1)
    item = await client.get(f"/dashboard/item/{item_id}")
    assert item.status_code == 200
    assert '<svg class="chart"' in item.text and "填报记录" in item.text
    assert '<td data-label="填报人">导入</td>' in item.text  # the seed's revisions came from the import
    missing = await client.get("/dashboard/missing")
    assert missing.status_code == 200 and "未报送单位" in missing.text
    assert (await client.get("/dashboard/unit/999999")).status_code == 404
    assert (await client.get("/dashboard/item/999999")).status_code == 404
    assert (await client.get("/dashboard?period=1999-01")).status_code == 404


async def test_the_ledger_downloads_open_in_their_libraries(client, token_for):
    import docx
    import openpyxl

    await open_session(client, token_for())
    word = await client.get("/dashboard/download/docx")
    assert word.status_code == 200 and "attachment" in word.headers["content-disposition"]
    text = "\n".join(
        c.text for t in docx.Document(io.BytesIO(word.content)).tables for row in t.rows for c in row.cells
    )
    assert LEDGER_TEXT in text
    excel = await client.get("/dashboard/download/xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(excel.content)).active
    assert any(LEDGER_TEXT in str(c.value) for row in sheet.iter_rows() for c in row if c.value)
    assert (await client.get("/dashboard/download/png")).status_code == 404


async def test_ledger_text_is_escaped(client, token_for, seeded_app):
    from storage.models import ItemRow
    from storage.structure_cache import bump_stamp

    async with seeded_app.uow() as uow:
        row = await uow.session.get(ItemRow, 1)
        row.content = '<script>alert("x")</script>&'
        await bump_stamp(uow.session)  # the structure cache re-reads the items
        await uow.commit()
    await open_session(client, token_for())
    r = await client.get("/dashboard")
    assert "<script>" not in r.text
    assert re.search(r"&lt;script&gt;alert\((&#34;|&quot;)x(&#34;|&quot;)\)&lt;/script&gt;&amp;", r.text)
    item = await client.get("/dashboard/item/1")
    assert "<script>" not in item.text and "&lt;script&gt;" in item.text


async def test_the_token_is_never_logged(client, token_for, caplog):
    caplog.set_level(logging.DEBUG)
    token = token_for()
    await open_session(client, token)
    await client.get("/dashboard")
    await open_session(client, token[:-3] + "xyz")
    server = [r for r in caplog.records if r.name != "httpx"]  # httpx is the test's own client
    assert any("session opened" in r.getMessage() for r in server)
    assert any("refused a link" in r.getMessage() for r in server)
    assert all(token.split(".")[0] not in r.getMessage() for r in server)
    assert all(token.split(".")[1] not in r.getMessage() for r in server)


async def test_the_board_is_not_served_without_a_secret(app):
    import httpx

    from bot.web import create_web

    app.settings.web.secret = None
    transport = httpx.ASGITransport(app=create_web(app, []))
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as c:
        assert (await c.get("/dashboard")).status_code == 404
        assert (await c.get("/healthz")).json()["platforms"] == []


async def test_a_link_to_an_item_page_lands_on_that_page(client, token_for):
    r = await client.get("/dashboard/item/2", params={"t": token_for()})
    assert r.status_code == 303 and r.headers["location"] == "/dashboard/item/2"
    page = await client.get(r.headers["location"])
    assert page.status_code == 200 and 'class="item-content">[2] ' in page.text
