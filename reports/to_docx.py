"""Render the compiled ledger as a Word document in the seed's own layout (A4 landscape, merged cells)."""

from __future__ import annotations

import io
import re
import uuid
import zipfile
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from reports.columns import Column, LedgerLayout, cell_text, merge_runs
from reports.figures import item_ref
from reports.ledger import Ledger, LedgerRow

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_W = f"{{{W_NS}}}"

# A4 landscape in twips (1 cm = 567), with 1.8 cm side margins.
PAGE_WIDTH, PAGE_HEIGHT = 16838, 11906
MARGIN_SIDE, MARGIN_TOP = 1020, 1134
BODY_FONT = "仿宋"  # East Asian face of the table body; Word/WPS/LibreOffice substitute when absent
TITLE_FONT = "宋体"
LATIN_FONT = "Times New Roman"
BODY_SIZE = 21  # half-points: 10.5 pt, 五号
TITLE_SIZE = 36  # 18 pt, 小二
# Font table entries tell Word which Chinese face to substitute (charset 86 = GB2312) when one is missing.
FONT_TABLE = {
    "仿宋": ("FangSong", "02010609060101010101"),
    "宋体": ("SimSun", "02010600030101010101"),
}

# Characters XML 1.0 forbids; chat text can carry them and one would make the whole file unreadable.
_ILLEGAL_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_ALIGN = {"center": "center", "justify": "both"}


def column_widths(layout: LedgerLayout) -> tuple[int, ...]:
    """Return each column's width in twips, scaled so the table fills the line between the margins."""
    widths = [c.docx_width for c in layout.columns]
    usable, total = PAGE_WIDTH - 2 * MARGIN_SIDE, sum(widths)
    scaled = [w * usable // total for w in widths]
    scaled[scaled.index(max(scaled))] += usable - sum(scaled)  # the rounding goes to the widest column
    return tuple(scaled)


def _paragraphs(text: str, align: str, run_props: str = "") -> str:
    lines = _ILLEGAL_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")).split(
        "\n"
    )
    jc = f'<w:pPr><w:jc w:val="{align}"/></w:pPr>'
    out = []
    for line in lines:
        run = f'<w:r>{run_props}<w:t xml:space="preserve">{escape(line)}</w:t></w:r>' if line else ""
        out.append(f"<w:p>{jc}{run}</w:p>")
    return "".join(out)


def _cell(column: Column, width: int, text: str, merge: str | None, run_props: str = "") -> str:
    vmerge = {"restart": '<w:vMerge w:val="restart"/>', "continue": "<w:vMerge/>", None: ""}[merge]
    body = "<w:p/>" if merge == "continue" else _paragraphs(text, _ALIGN[column.align], run_props)
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{width}" w:type="dxa"/>{vmerge}'
        f'<w:vAlign w:val="center"/></w:tcPr>{body}</w:tc>'
    )


def _merge_states(column: Column, rows: list[LedgerRow]) -> list[str | None]:
    """Return Word's vMerge per row of a category: restart on a merged run's first row, continue below it."""
    states: list[str | None] = [None] * len(rows)
    for first, last in merge_runs(column, rows):
        states[first] = "restart"
        states[first + 1 : last + 1] = ["continue"] * (last - first)
    return states


def _docx_text(column: Column, row: LedgerRow) -> str:
    """Return a cell's text; the content cell starts with the item's number ("[24] 新增…"), the one a coordinator
    types in chat, so the official columns stay as they are (an import of this file reads the number back off)."""
    text = cell_text(column, row)
    return f"{item_ref(row.number)} {text}" if column.key == "content" else text


def _table_parts(ledger: Ledger) -> Iterator[str]:
    """Yield the table's XML: its properties and header row, then one string per ledger row."""
    header_props = f'<w:rPr><w:rFonts w:eastAsia="{TITLE_FONT}"/><w:b/><w:bCs/></w:rPr>'
    columns = ledger.layout.columns
    widths = column_widths(ledger.layout)
    header = "".join(
        _cell(c, w, title, None, header_props)
        for c, w, title in zip(columns, widths, ledger.header, strict=True)
    )
    yield (
        f'<w:tbl xmlns:w="{W_NS}"><w:tblPr>'
        f'<w:tblW w:w="{sum(widths)}" w:type="dxa"/><w:jc w:val="center"/><w:tblBorders>'
        + "".join(
            f'<w:{side} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
            for side in ("top", "left", "bottom", "right", "insideH", "insideV")
        )
        + '</w:tblBorders><w:tblLayout w:type="fixed"/><w:tblCellMar><w:left w:w="57" w:type="dxa"/>'
        '<w:right w:w="57" w:type="dxa"/></w:tblCellMar><w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" '
        'w:firstColumn="1" w:lastColumn="0" w:noHBand="0" w:noVBand="1"/></w:tblPr><w:tblGrid>'
        + "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)
        + "</w:tblGrid>"
        # The header row repeats on every page and never splits.
        f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>"
    )
    for _, _, rows in ledger.categories():
        # Merged vertically: category columns over the whole category, "runs" columns over equal neighbours.
        merges = {c.key: _merge_states(c, rows) for c in columns if c.merge != "none"}
        for i, row in enumerate(rows):
            cells = (
                _cell(c, w, _docx_text(c, row), merges[c.key][i] if c.key in merges else None)
                for c, w in zip(columns, widths, strict=True)
            )
            yield "<w:tr><w:trPr><w:cantSplit/></w:trPr>" + "".join(cells) + "</w:tr>"
    yield "</w:tbl>"


def _set_fonts(document) -> None:
    """Make 仿宋 10.5 pt the document's East Asian default, Times New Roman for Latin, no paragraph gaps."""
    from docx.oxml import parse_xml

    styles = document.styles.element
    defaults = styles.find(f"{_W}docDefaults")
    if defaults is not None:
        styles.remove(defaults)
    styles.insert(
        0,
        parse_xml(
            f'<w:docDefaults xmlns:w="{W_NS}"><w:rPrDefault><w:rPr>'
            f'<w:rFonts w:ascii="{LATIN_FONT}" w:hAnsi="{LATIN_FONT}" w:eastAsia="{BODY_FONT}" w:cs="{LATIN_FONT}"/>'
            f'<w:sz w:val="{BODY_SIZE}"/><w:szCs w:val="{BODY_SIZE}"/>'
            '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
            '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
            "</w:docDefaults>"
        ),
    )
    for rel in document.part.rels.values():
        if rel.reltype.endswith("/fontTable"):
            _add_font_entries(rel.target_part)


def _add_font_entries(part) -> None:
    from docx.oxml import parse_xml

    root = parse_xml(part.blob)
    present = {f.get(f"{_W}name") for f in root.findall(f"{_W}font")}
    for name, (alt, panose) in FONT_TABLE.items():
        if name not in present:
            root.append(
                parse_xml(
                    f'<w:font xmlns:w="{W_NS}" w:name="{name}"><w:altName w:val="{alt}"/>'
                    f'<w:panose1 w:val="{panose}"/><w:charset w:val="86"/><w:family w:val="modern"/>'
                    '<w:pitch w:val="fixed"/></w:font>'
                )
            )
    from lxml import etree

    part._blob = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _set_page(document) -> None:
    from docx.enum.section import WD_ORIENT
    from docx.oxml import parse_xml
    from docx.shared import Twips

    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Twips(PAGE_WIDTH), Twips(PAGE_HEIGHT)
    section.left_margin = section.right_margin = Twips(MARGIN_SIDE)
    section.top_margin = section.bottom_margin = Twips(MARGIN_TOP)
    section.header_distance = section.footer_distance = Twips(567)

    def field(instr: str) -> str:
        return (
            f'<w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText xml:space="preserve"> {instr} '
            '</w:instrText></w:r><w:r><w:fldChar w:fldCharType="separate"/></w:r><w:r><w:t>1</w:t></w:r>'
            '<w:r><w:fldChar w:fldCharType="end"/></w:r>'
        )

    footer = section.footer._element
    for p in list(footer):
        footer.remove(p)
    footer.append(
        parse_xml(
            f'<w:p xmlns:w="{W_NS}"><w:pPr><w:jc w:val="center"/></w:pPr>'
            f'<w:r><w:t xml:space="preserve">第 </w:t></w:r>{field("PAGE")}<w:r><w:t xml:space="preserve"> 页 / 共 </w:t></w:r>'
            f'{field("NUMPAGES")}<w:r><w:t xml:space="preserve"> 页</w:t></w:r></w:p>'
        )
    )


def _splice(docx: bytes, marker: str, parts: Iterable[str]) -> bytes:
    """Return the package with the paragraph holding marker in word/document.xml replaced by parts."""
    src = zipfile.ZipFile(io.BytesIO(docx))
    out = io.BytesIO()
    # Level 1 for the streamed table: level 6 triples the time for a few percent of size.
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename != "word/document.xml":
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED, compresslevel=6)
                continue
            at = data.index(marker.encode())
            start, end = data.rindex(b"<w:p>", 0, at), data.index(b"</w:p>", at) + len(b"</w:p>")
            # Streamed in batches of rows: one string of the whole table would be hundreds of MB at 33,000 rows.
            with dst.open(info.filename, "w") as stream:
                stream.write(data[:start])
                batch: list[str] = []
                for part in parts:
                    batch.append(part)
                    if len(batch) == 512:
                        stream.write("".join(batch).encode("utf-8"))
                        batch.clear()
                stream.write("".join(batch).encode("utf-8"))
                stream.write(data[end:])
    return out.getvalue()


def to_docx(ledger: Ledger) -> bytes:
    """Render the ledger as .docx bytes: title, the layout's columns, merged categories, A4 landscape."""
    from docx import Document
    from docx.oxml import parse_xml

    document = Document()
    _set_fonts(document)
    _set_page(document)
    document.core_properties.title = ledger.title
    body = document.element.body
    for child in list(body):
        if child.tag != f"{_W}sectPr":
            body.remove(child)
    title_props = (
        f'<w:rPr><w:rFonts w:eastAsia="{TITLE_FONT}"/><w:b/><w:bCs/>'
        f'<w:sz w:val="{TITLE_SIZE}"/><w:szCs w:val="{TITLE_SIZE}"/></w:rPr>'
    )
    title = parse_xml(
        f'<w:body xmlns:w="{W_NS}">'
        + _paragraphs(ledger.title, "center", title_props).replace(
            "<w:pPr>", '<w:pPr><w:spacing w:after="240"/>', 1
        )
        + "</w:body>"
    )[0]
    marker = f"LEDGER-TABLE-{uuid.uuid4().hex}"
    body.insert(0, title)
    body.insert(1, parse_xml(f'<w:p xmlns:w="{W_NS}"><w:r><w:t>{marker}</w:t></w:r></w:p>'))
    # Word requires a paragraph after a table that ends the body.
    body.insert(2, parse_xml(f'<w:p xmlns:w="{W_NS}"/>'))
    out = io.BytesIO()
    document.save(out)
    # The table goes in as text after saving: python-docx's cell API re-walks the table on every call
    # (quadratic), and even parsing the finished table into the tree costs seconds at 33,000 rows.
    return _splice(out.getvalue(), marker, _table_parts(ledger))
