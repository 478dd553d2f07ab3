"""`report --format html`: a standalone, printable page with the ledger table in its own columns (issue 19)."""

from __future__ import annotations

import lxml.html

from reports.figures import pct
from reports.to_html import to_html
from tests.board.browser import chromium_page
from tests.reports.sample import HEADER, SEED_ROWS, TITLE
from tests.reports.test_report_text import EVIL, _evil_ledger

PARKING = "新增停车泊位256个，公共充电桩总数达到400个。"


def _tree(page: str):
    return lxml.html.document_fromstring(page)


def test_a_standalone_page_with_the_ledger_table_in_its_own_columns(seed):
    page = to_html(seed)
    assert page.lower().startswith("<!doctype html>")
    doc = _tree(page)
    assert doc.xpath("//meta/@charset") == ["utf-8"]
    assert doc.findtext(".//title") == TITLE and doc.findtext(".//h1") == TITLE
    style = doc.findtext(".//style")
    assert "@media print" in style and "size: A4 landscape" in style and "table-header-group" in style
    assert not doc.xpath("//script | //link | //img")  # nothing fetched: it opens from a disk and prints
    (table,) = doc.xpath("//table[@class='ledger']")
    headers = [th.text_content() for th in table.xpath("./thead/tr/th")]
    assert headers == ["编号", *HEADER, "状态", "完成率", "序时进度", "灯"]
    rows = table.xpath("./tbody/tr")
    assert len(rows) == len(SEED_ROWS) == 33
    (parking,) = [r for r in rows if PARKING in r.text_content()]
    cells = [td.text_content() for td in parking.xpath("./td")]
    assert cells[0] == "[24]"  # the number a coordinator types: 退回 24
    row = seed.rows[23]
    assert cells[-4:] == [row.status_label, pct(row.completion), pct(row.schedule), "绿灯"]
    assert parking.xpath("./td[last()]/span/@class") == ["light green"]
    # The category cell spans its category, as in the Word file.
    first = rows[0].xpath("./td[@data-key='category']")[0]
    assert first.get("rowspan") == str(sum(1 for r in SEED_ROWS if r[0] == 1))
    assert "基层医疗服务<br>提升工程" in page  # line breaks kept


def test_every_cell_is_escaped():
    page = to_html(_evil_ledger())
    doc = _tree(page)
    assert not doc.xpath("//script | //font | //a")
    body = doc.xpath("//table[@class='ledger']/tbody")[0].text_content()
    assert EVIL in body and "区<甲>局" in body
    assert "<script>" not in page


async def test_chromium_renders_it_and_prints_the_header_on_every_page(seed, tmp_path):
    path = tmp_path / "台账.html"
    path.write_text(to_html(seed), encoding="utf-8")
    async with chromium_page() as page:
        await page.goto(path.as_uri())
        assert await page.eval("document.characterSet") == "UTF-8"
        assert await page.eval("document.title") == TITLE
        assert await page.eval("document.querySelectorAll('table.ledger tbody tr').length") == 33
        number = "[...document.querySelectorAll('tbody tr')].find(r => r.innerText.includes('停车泊位'))"
        assert await page.eval(f"{number}.cells[0].innerText") == "[24]"
        red = "getComputedStyle(document.querySelector('.light.red')).color"
        assert await page.eval(red) == "rgb(156, 0, 6)"
        await page.call("Emulation.setEmulatedMedia", media="print")
        assert await page.eval("getComputedStyle(document.querySelector('thead')).display") == (
            "table-header-group"
        )
        pdf = await page.call("Page.printToPDF", landscape=True, preferCSSPageSize=True)
        assert len(pdf["data"]) > 10_000  # it prints
