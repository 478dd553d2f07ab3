"""The compiled ledger as a standalone, printable web page: the ledger's own columns, with status and lights.

One file with its styles inline (no script, nothing fetched), so it opens from a disk or a mail attachment and
prints on A4 landscape with the header row on every page. Every cell is escaped.
"""

from __future__ import annotations

from html import escape

from reports.columns import Column, cell_text, merge_runs
from reports.figures import item_ref, pct
from reports.ledger import STATUS_LABELS, Ledger, LedgerRow
from reports.lights import LIGHT_LABELS

# The columns computed after the ledger's own (the number goes first, as a coordinator looks it up).
NUMBER_HEADER = "编号"
STATUS_HEADERS = ("状态", "完成率", "序时进度", "灯")
LIGHT_ORDER = ("red", "yellow", "green")

STYLE = """
@page { size: A4 landscape; margin: 1.2cm 1cm; }
* { box-sizing: border-box; }
body { font-family: "FangSong", "仿宋", "STFangsong", "Noto Serif CJK SC", serif; font-size: 10.5pt;
       color: #000; margin: 1.5em; }
h1 { font-family: "SimSun", "宋体", "Noto Serif CJK SC", serif; font-size: 18pt; text-align: center;
     margin: 0 0 .4em; }
.meta { text-align: center; margin: 0 0 1em; }
.meta span + span::before { content: " · "; }
table.ledger { border-collapse: collapse; width: 100%; table-layout: auto; }
.ledger th, .ledger td { border: 1px solid #000; padding: 3px 4px; vertical-align: middle; }
.ledger th { background: #f2f2f2; font-family: "SimSun", "宋体", serif; }
.ledger td.text { text-align: justify; }
.ledger td.center, .ledger td.figure, .ledger td.number { text-align: center; }
.ledger td.number { white-space: nowrap; }
.light { white-space: nowrap; font-weight: bold; }
.light::before { content: ""; display: inline-block; width: .8em; height: .8em; border-radius: 50%;
                 margin-right: .25em; vertical-align: -.05em; background: currentColor; }
.light.green { color: #006100; } .light.yellow { color: #9c5700; } .light.red { color: #9c0006; }
td.green { background: #c6efce; } td.yellow { background: #ffeb9c; } td.red { background: #ffc7ce; }
@media print {
  body { margin: 0; }
  thead { display: table-header-group; }
  tr { break-inside: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _text(value: str) -> str:
    """Escape a cell's text (quotes too) and keep its line breaks."""
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "<br>".join(escape(line, quote=True) for line in lines)


def _spans(column: Column, rows: list[LedgerRow]) -> list[int]:
    """Return per row its rowspan: the run's length on its first row, 0 on the rows the run covers, else 1."""
    spans = [1] * len(rows)
    for first, last in merge_runs(column, rows):
        spans[first : last + 1] = [last - first + 1] + [0] * (last - first)
    return spans


def _cell(column: Column, row: LedgerRow, span: int) -> str:
    if span == 0:
        return ""
    rowspan = f' rowspan="{span}"' if span > 1 else ""
    cls = "number" if column.kind == "number" else column.align.replace("justify", "text")
    return f'<td class="{cls}" data-key="{escape(column.key, quote=True)}"{rowspan}>{_text(cell_text(column, row))}</td>'


def _row(ledger: Ledger, row: LedgerRow, spans: dict[str, list[int]], i: int) -> str:
    own = "".join(_cell(c, row, spans[c.key][i] if c.key in spans else 1) for c in ledger.layout.columns)
    light = row.light
    return (
        f'<tr data-number="{row.number}" data-light="{light}">'
        f'<td class="number">{item_ref(row.number)}</td>{own}'
        f'<td class="center">{escape(STATUS_LABELS[row.status])}</td>'
        f'<td class="figure">{pct(row.completion)}</td>'
        f'<td class="figure">{pct(row.schedule)}</td>'
        f'<td class="center {light}"><span class="light {light}">{LIGHT_LABELS[light]}</span></td></tr>'
    )


def to_html(ledger: Ledger) -> str:
    """Render the ledger as a standalone HTML page (UTF-8 text) to open in a browser and print."""
    counts = {light: sum(1 for r in ledger.rows if r.light == light) for light in LIGHT_ORDER}
    year, month = ledger.period.split("-")
    meta = [
        f"报送期：{int(year)}年{int(month)}月",
        f"序时进度 {pct(ledger.schedule)}",
        f"共 {len(ledger.rows)} 项",
        *(f'<span class="light {k}">{LIGHT_LABELS[k]}</span> {n} 项' for k, n in counts.items()),
    ]
    headers = (NUMBER_HEADER, *ledger.header, *STATUS_HEADERS)
    out = [
        "<!doctype html>",
        '<html lang="zh-CN">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(ledger.title)}</title>",
        f"<style>{STYLE}</style>",
        "</head>",
        "<body>",
        f"<h1>{escape(ledger.title)}</h1>",
        '<p class="meta">' + "".join(f"<span>{m}</span>" for m in meta) + "</p>",
        '<table class="ledger">',
        "<thead><tr>" + "".join(f'<th scope="col">{escape(h)}</th>' for h in headers) + "</tr></thead>",
        "<tbody>",
    ]
    merged = [c for c in ledger.layout.columns if c.merge != "none"]
    for _, _, rows in ledger.categories():
        # As in the Word file: category columns span their category, "runs" columns equal neighbours.
        spans = {c.key: _spans(c, rows) for c in merged}
        out.extend(_row(ledger, row, spans, i) for i, row in enumerate(rows))
    out += ["</tbody>", "</table>", "</body>", "</html>", ""]
    return "\n".join(out)
