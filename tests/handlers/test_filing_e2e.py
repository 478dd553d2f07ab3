"""The end-to-end filing harness (tests/e2e_filing.py, bench/filing_e2e.py) on a small set."""

from __future__ import annotations

from tests.e2e_filing import run

CHARGING = {"name": "公共充电桩", "value": 400, "unit": "个", "kind": "total"}
ROWS = [
    {
        "id": "right",
        "content": "公共充电桩总数达到400个。",
        "progress": "充电桩累计建成380个",
        "targets": [CHARGING],
        "links": [{"target": 0, "value": 380}],
        "status": "in_progress",
    },
    {
        "id": "meant-other",  # the contact meant 390: the echo of 380 is wrong, so it retypes
        "content": "公共充电桩总数达到400个。",
        "progress": "充电桩累计建成380个",
        "targets": [CHARGING],
        "links": [{"target": 0, "value": 390}],
        "status": "in_progress",
    },
    {
        "id": "none",
        "content": "建设口袋公园6处。",
        "progress": "还没开始呢",
        "targets": [{"name": "口袋公园", "value": 6, "unit": "处", "kind": "increment"}],
        "links": [],
        "status": "not_started",
    },
]


async def test_the_harness_files_each_reply_and_scores_what_was_stored(tmp_path):
    report = await run(ROWS, tmp_path)
    assert (report.dialogue.items, report.dialogue.gold) == (3, 2)
    assert (report.first_echo.tp, report.first_echo.pred) == (1, 2)  # 380 for the row that meant 390
    assert report.retypes == 1
    assert (report.dialogue.tp, report.dialogue.pred) == (2, 2)  # the retype "公共充电桩累计390个" stored 390
    assert report.dialogue.status_ok == 3
    assert (report.parser.tp, report.parser.gold) == (1, 2)
    assert report.messages == 3 * 2 + 2  # a reply and a 确认 each; the retype adds 重填 and its text
    assert "parser alone" in report.text() and "messages per item" in report.text()
