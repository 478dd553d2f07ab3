"""Hostile ledger files built in memory: a huge merged range in a tiny .xlsx, a huge gridSpan in a .docx."""

from __future__ import annotations

import io
import re
import zipfile

from docx import Document
from openpyxl import Workbook


def _rezip(data: bytes, name: str, edit) -> bytes:
    src = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            dst.writestr(info.filename, edit(body) if info.filename == name else body)
    return out.getvalue()


def xlsx_with_merge(ref: str = "A4:XFD1048576") -> bytes:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(["2025年1-6月重点工作台账"])
    ws.append(["序号", "工作任务", "责任单位", "进展情况"])
    ws.append([1, "建设学校", "区教育局", "已开工"])
    buf = io.BytesIO()
    wb.save(buf)

    def edit(xml: bytes) -> bytes:
        return xml.replace(
            b"</sheetData>",
            f'</sheetData><mergeCells count="1"><mergeCell ref="{ref}"/></mergeCells>'.encode(),
        )

    return _rezip(buf.getvalue(), "xl/worksheets/sheet1.xml", edit)


def docx_with_span(span: int = 200_000_000) -> bytes:
    doc = Document()
    doc.add_paragraph("2025年1-6月重点工作台账")
    table = doc.add_table(rows=2, cols=4)
    for cell, text in zip(table.rows[0].cells, ["序号", "工作任务", "责任单位", "进展情况"], strict=True):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ["1", "建设学校", "区教育局", "已开工"], strict=True):
        cell.text = text
    buf = io.BytesIO()
    doc.save(buf)

    def edit(xml: bytes) -> bytes:
        return re.sub(rb"<w:tcPr>", f'<w:tcPr><w:gridSpan w:val="{span}"/>'.encode(), xml, count=1)

    return _rezip(buf.getvalue(), "word/document.xml", edit)


def zip_bomb_xlsx(mb: int = 80) -> bytes:
    buf = io.BytesIO()
    wb = Workbook()
    wb.save(buf)

    def edit(xml: bytes) -> bytes:
        return xml.replace(b"</worksheet>", b"<!--" + b" " * (mb * 1024 * 1024) + b"--></worksheet>")

    return _rezip(buf.getvalue(), "xl/worksheets/sheet1.xml", edit)
