"""Blind ledger test set: writes 6 ledger files and their expected readings.

Run:  /work/main/.venv/bin/python /work/blind/ledgers/make.py [--verify]

Written without reading any importer code.  Every ledger is a data structure below;
the same structure writes the file in files/ and the expected JSON in expected/.
All names, figures and units are invented (real place names, invented content).
Intermediate files (.xlsx/.docx before conversion, LibreOffice profile) live in
_build/ and are removed at the end.
"""
import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys

import openpyxl
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

HERE = os.path.dirname(os.path.abspath(__file__))
FILES = os.path.join(HERE, "files")
EXPECTED = os.path.join(HERE, "expected")
BUILD = os.path.join(HERE, "_build")

D = dt.datetime  # date-typed Excel cells

# --------------------------------------------------------------------------
# expected-reading helpers
# --------------------------------------------------------------------------
MARK_RE = re.compile(r"[（(]\s*牵头\s*[）)]")


def split_units(text):
    if text is None:
        return []
    parts = [p.strip() for p in re.split(r"[、，,\n]", str(text))]
    parts = [p for p in parts if p]
    lead, rest = [], []
    for p in parts:
        if MARK_RE.search(p):
            lead.append(MARK_RE.sub("", p).strip())
        else:
            rest.append(p)
    return lead + rest


def as_text(v):
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.strftime("%Y-%m-%d")
    if isinstance(v, bool):
        return str(v)
    if isinstance(v, int):
        return str(v)
    if isinstance(v, float):
        return str(int(v)) if v.is_integer() else repr(v)
    return str(v).strip()


def expected_item(columns, row, category):
    """columns: [(title, concept)]; row: raw values in column order."""
    concepts = [c for _, c in columns]
    item = {"seq": None, "category": category, "content": None, "units": [],
            "partners": [], "progress": None, "problems": None, "plan": None,
            "deadline": None, "extra": {}}
    for (title, concept), v in zip(columns, row):
        if concept == "seq":
            item["seq"] = as_text(v)
        elif concept == "category":
            item["category"] = as_text(v)
        elif concept == "content":
            item["content"] = as_text(v)
        elif concept == "unit":
            item["units"] = split_units(v)
        elif concept == "partner":
            item["partners"] = split_units(v)
        elif concept == "progress":
            item["progress"] = as_text(v)
        elif concept == "problems":
            item["problems"] = as_text(v)
        elif concept == "plan":
            item["plan"] = as_text(v)
        elif concept == "problems_plan":
            item["problems"] = as_text(v)
        elif concept == "deadline":
            item["deadline"] = as_text(v)
        else:  # leader, note, other
            item["extra"][title] = as_text(v)
    assert "content" in concepts
    return item


def write_expected(stem, fname, layout, title, columns, items):
    data = {"file": fname, "layout": layout, "title": title,
            "columns": [{"title": t, "concept": c} for t, c in columns],
            "items": items}
    path = os.path.join(EXPECTED, stem + ".json")
    with open(path, "w", encoding="utf-8") as f:
        json.dump(data, f, ensure_ascii=False, indent=2)
        f.write("\n")
    return data


# --------------------------------------------------------------------------
# formatting helpers
# --------------------------------------------------------------------------
THIN = Side(style="thin")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_C = Alignment(horizontal="center", vertical="center", wrap_text=True)
WRAP_L = Alignment(horizontal="left", vertical="center", wrap_text=True)


def xl_cell(ws, r, c, v, bold=False, center=False, size=10, fmt=None):
    cell = ws.cell(row=r, column=c, value=v)
    cell.font = Font(name="宋体", size=size, bold=bold)
    cell.alignment = WRAP_C if center else WRAP_L
    cell.border = BORDER
    if fmt:
        cell.number_format = fmt
    return cell


def set_run_font(run, name="仿宋_GB2312", size=10.5, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def para(doc, text, size=12, bold=False, center=False, name="仿宋_GB2312"):
    p = doc.add_paragraph()
    r = p.add_run(text)
    set_run_font(r, name=name, size=size, bold=bold)
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return p


def landscape(doc):
    s = doc.sections[0]
    s.orientation = WD_ORIENT.LANDSCAPE
    s.page_width, s.page_height = Cm(29.7), Cm(21.0)
    for side in ("left_margin", "right_margin"):
        setattr(s, side, Cm(1.8))
    s.top_margin = s.bottom_margin = Cm(2.0)


def cell_text(cell, text, bold=False, center=False, size=9, soft_breaks=False):
    """Write text; '\\n' becomes separate paragraphs (or soft breaks)."""
    cell.text = ""
    p = cell.paragraphs[0]
    if center:
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    lines = "" if text is None else str(text)
    if soft_breaks:
        parts = lines.split("\n")
        for i, part in enumerate(parts):
            r = p.add_run(part)
            set_run_font(r, size=size, bold=bold)
            if i < len(parts) - 1:
                r.add_break()
        return
    for i, line in enumerate(lines.split("\n")):
        if i:
            p = cell.add_paragraph()
            if center:
                p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        r = p.add_run(line)
        set_run_font(r, size=size, bold=bold)


def repeat_header(row):
    trpr = row._tr.get_or_add_trPr()
    el = OxmlElement("w:tblHeader")
    el.set(qn("w:val"), "true")
    trpr.append(el)


def soffice_convert(src, fmt, outdir):
    prof = "file://" + os.path.join(BUILD, "lo_profile")
    subprocess.run(["soffice", "-env:UserInstallation=" + prof, "--headless",
                    "--convert-to", fmt, "--outdir", outdir, src],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


# ==========================================================================
# b01  陕西 西安灞桥  督办事项  xlsx, title row, 填报 row, two-row header
# ==========================================================================
B01_STEM = "b01_shaanxi_baqiao_duban_shixiang_two_row_header"
B01_TITLE = "灞桥区2025年区政府督办事项办理情况台账"
B01_COLS = [("序号", "seq"), ("事项来源", "category"), ("督办事项", "content"),
            ("主办单位", "unit"), ("协办单位", "partner"), ("办理时限", "deadline"),
            ("办理进展", "progress"), ("办理状态", "other"), ("存在困难", "problems"),
            ("下步打算", "plan"), ("分管区领导", "leader")]
B01_ROWS = [
    [1, "区政府第12次常务会议", "加快推进纺织城片区老旧小区改造，年内完成32个小区、1860户改造任务",
     "区住建局", "纺织城街道、区财政局", "2025年11月30日",
     "32个小区已全部开工，完成主体改造28个、1590户，管网改造完成85%。", "推进中",
     "部分小区居民对加装电梯意见不统一。", "逐户做好协调工作，11月底前完成剩余4个小区改造。", "张建华"],
    [2, "区政府第12次常务会议", "完成灞河左岸绿道三期建设，新增绿道4.6公里",
     "区城管局", "区水务局", D(2025, 10, 31),
     "4.6公里绿道已全线贯通，照明、标识系统安装完毕，10月28日通过验收。", "已办结",
     "无", "做好后期管护。", "李卫东"],
    [3, "区长办公会（第8次）", "解决洪庆街道8个安置小区不动产登记办证遗留问题",
     "区自然资源分局", "洪庆街道、区税务局、区住建局", "2025年12月31日",
     "已完成5个小区测绘及权籍调查，其中3个小区2130户已发证。", "推进中",
     "2个小区存在规划变更手续缺失，需市级部门支持。",
     "积极对接市资源规划局，争取12月底前完成剩余小区首次登记。", "王晓明"],
    [4, "区长办公会（第8次）", "推动席王街道农贸市场提升改造，12月底前开业运营",
     "区商务局", "席王街道", "2025年12月31日",
     None, "未启动", "选址用地尚未落实。", "11月中旬前确定选址方案并报区政府审定。", "王晓明"],
    [5, "领导批示", "市领导批示：妥善处置浐灞大道沿线扬尘污染问题",
     "区生态环境分局", "区住建局、区城管局、新合街道", "长期",
     "开展联合执法检查14次，督促整改工地23个，立案处罚3起，罚款9.6万元。", "推进中",
     "无", "持续开展夜间巡查，建立问题清单动态销号机制。", "刘志刚"],
    [6, "领导批示", "区委主要领导批示：解决狄寨街道5个村群众饮水安全问题",
     "区水务局", "狄寨街道", D(2025, 9, 30),
     "新建供水管网12.3公里，新打机井2眼，5个村2400余名群众已实现稳定供水。", "已办结",
     "无", "无", "刘志刚"],
    [7, "人大代表建议", "在区中心医院增设夜间儿科门诊",
     "区卫健委", "区中心医院", "2025年10月31日",
     "夜间儿科门诊已于9月1日开诊，累计接诊患儿1260人次。", "已办结",
     "无", "持续优化医生排班。", "陈丽"],
    [8, "人大代表建议", "在中小学周边增设上下学时段交通护学岗",
     "区教育局", "公安灞桥分局交警大队、各街道", "2025年9月30日",
     "已在全区46所中小学设置护学岗52个，每日投入警力、志愿者280余人。", "已办结",
     "无", "常态化开展护学工作。", "陈丽"],
    [9, "政协委员提案", "推进非遗工坊建设，打造“灞柳”文创品牌",
     "区文旅局", "区工信局、区财政局", "2025年12月31日",
     "已完成2处非遗工坊选址，完成“灞柳”文创商标注册申请，开发文创产品3大类26种。\n"
     "第二处工坊正在装修，预计11月底投用。", "推进中",
     "文创产品销售渠道较少。", "与区内景区、商超对接，设立文创产品展销点。", "赵红梅"],
    [10, "政协委员提案", "加快新筑街道公共停车场建设，新增停车泊位300个",
     "区城管局", "新筑街道、公安灞桥分局交警大队", "2025年12月31日",
     "项目已完成招标，9月15日开工，目前场地平整及地面硬化完成60%。", "推进中",
     "无", "11月底前完成划线及智慧收费系统安装。", "李卫东"],
]


def make_b01():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "督办台账"
    ncol = len(B01_COLS)
    last = get_column_letter(ncol)
    ws.merge_cells(f"A1:{last}1")
    c = ws.cell(row=1, column=1, value=B01_TITLE)
    c.font = Font(name="方正小标宋简体", size=18, bold=True)
    c.alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 36
    ws.merge_cells("A2:F2")
    ws.merge_cells(f"G2:{last}2")
    ws["A2"] = "填报单位：区政府督查室（盖章）"
    ws["G2"] = "截止日期：2025年10月31日"
    ws["A2"].font = ws["G2"].font = Font(name="宋体", size=11)
    ws["G2"].alignment = Alignment(horizontal="right")
    # two-row header: groups 承办单位 (D:E) and 办理情况 (G:J)
    single = {1: "序号", 2: "事项来源", 3: "督办事项", 6: "办理时限", 11: "分管区领导"}
    for col, t in single.items():
        xl_cell(ws, 3, col, t, bold=True, center=True)
        xl_cell(ws, 4, col, None, bold=True, center=True)
        ws.merge_cells(start_row=3, start_column=col, end_row=4, end_column=col)
    xl_cell(ws, 3, 4, "承办单位", bold=True, center=True)
    xl_cell(ws, 3, 5, None)
    ws.merge_cells("D3:E3")
    xl_cell(ws, 3, 7, "办理情况", bold=True, center=True)
    for col in (8, 9, 10):
        xl_cell(ws, 3, col, None)
    ws.merge_cells("G3:J3")
    for col in (4, 5, 7, 8, 9, 10):
        xl_cell(ws, 4, col, B01_COLS[col - 1][0], bold=True, center=True)
    r = 5
    for row in B01_ROWS:
        for j, v in enumerate(row, start=1):
            fmt = 'yyyy"年"m"月"d"日"' if isinstance(v, dt.datetime) else None
            xl_cell(ws, r, j, v, center=j in (1, 6, 8, 11), fmt=fmt)
        r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
    ws.cell(row=r, column=1,
            value="注：办理状态分“已办结”“推进中”“未启动”三类；已办结事项经督查室核实后销号。").font = \
        Font(name="宋体", size=10)
    widths = [6, 14, 34, 14, 20, 13, 42, 9, 24, 30, 10]
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A5"
    ws.print_title_rows = "3:4"
    ws.page_setup.orientation = "landscape"
    fname = B01_STEM + ".xlsx"
    wb.save(os.path.join(FILES, fname))
    items = [expected_item(B01_COLS, row, None) for row in B01_ROWS]
    write_expected(
        B01_STEM, fname,
        "xlsx 督办事项台账, one sheet: merged title row, a 填报单位/截止日期 row, two-row header "
        "(承办单位 spans 主办单位/协办单位, 办理情况 spans 办理进展/办理状态/存在困难/下步打算, other "
        "headers merged over both rows); 事项来源 (category) written on every row; 办理时限 mixes text "
        "and date cells shown as yyyy年m月d日; 办理状态 and 分管区领导 kept as extra; blank progress row; "
        "注 row below",
        B01_TITLE, B01_COLS, items)


# ==========================================================================
# b02  辽宁 沈阳浑南  政府工作报告任务分解  docx, category rows, 责任领导
# ==========================================================================
B02_STEM = "b02_liaoning_hunnan_renwu_fenjie_category_rows"
B02_TITLE = "浑南区2025年政府工作报告重点任务分解落实情况表"
B02_COLS = [("序号", "seq"), ("任务分解", "content"), ("责任领导", "leader"),
            ("牵头责任单位", "unit"), ("责任人", "leader"), ("完成时限", "deadline"),
            ("完成情况", "progress"), ("是否完成", "other"), ("备注", "note")]
B02_DATA = [
    ("一、坚持项目为王，扩大有效投资", [
        ["1", "全年实施亿元以上项目120个，固定资产投资增长8%", "孙立新", "区发改局", "杨帆",
         "2025年12月", "1-9月，全区实施亿元以上项目108个，其中新开工46个；固定资产投资同比增长7.2%。",
         "否", ""],
        ["2", "新签约亿元以上招商项目60个，到位内资150亿元", "孙立新", "区招商服务中心、区商务局",
         "周明", "2025年12月", "新签约亿元以上项目47个，到位内资118.6亿元，完成年度目标的79.1%。",
         "否", ""],
        ["3", "完成沈阳南站周边3个地块征收，启动综合交通枢纽二期建设", "马俊",
         "区住建局（牵头）\n区征收中心", "吴海", "2025年10月",
         "3个地块征收已全部完成，二期工程于8月20日开工，累计完成投资2.3亿元。", "是", ""],
        ["4", "推进地铁4号线南延线、浑南大道快速化改造前期工作", "马俊", "区交通局", "郑凯",
         "2025年12月", "", "否", "等待市级立项批复"],
    ]),
    ("二、培育新质生产力，壮大实体经济", [
        ["1", "新增国家级专精特新“小巨人”企业5家、高新技术企业150家", "王丽娜", "区工信局、区科技局",
         "李强", "2025年12月",
         "新认定国家级“小巨人”企业3家；高新技术企业申报186家，已通过专家评审142家。", "否", ""],
        ["2", "建设浑南科技城中试基地，全年服务中试项目30项", "王丽娜", "区科技局", "何静",
         "2025年11月", "中试基地一期1.2万平方米已投用，累计服务中试项目22项。\n二期厂房已完成主体封顶。",
         "否", ""],
        ["3", "举办第三届沈阳国际软件园产业峰会", "王丽娜", "区商务局、区大数据局（牵头）", "赵磊",
         "2025年9月", "峰会已于9月12日至13日举办，现场签约项目18个，签约额46.5亿元。", "是", ""],
    ]),
    ("三、办好民生实事，增进民生福祉", [
        ["1", "新建改建城市公园及口袋公园12个", "孟庆", "区城管局", "钱伟", "2025年10月",
         "12个公园已全部完工并对外开放。", "是", ""],
        ["2", "新增普惠性托位600个", "孟庆", "区卫健局", "冯雪", "2025年12月",
         "新增普惠性托位420个，2家公办托育中心正在装修。", "否", ""],
        ["3", "改造老旧供热管网85公里", "马俊", "区供热办\n区住建局", "吴海", "2025年10月15日前",
         "完成老旧供热管网改造88.6公里，超额完成年度任务。", "是", "提前完成"],
        ["4", "为全区65周岁以上老年人免费体检4.5万人次", "孟庆", "区卫健局", "冯雪", "2025年12月",
         "完成老年人免费健康体检3.86万人次。", "否", ""],
    ]),
]


def make_b02():
    doc = Document()
    landscape(doc)
    para(doc, B02_TITLE, size=18, bold=True, center=True, name="方正小标宋简体")
    para(doc, "（截至2025年9月30日）", size=14, center=True, name="楷体_GB2312")
    para(doc, "填报单位：区政府研究室　　　　　　　　　　　　填报日期：2025年10月8日", size=12)
    ncol = len(B02_COLS)
    table = doc.add_table(rows=1, cols=ncol)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    hdr = table.rows[0]
    repeat_header(hdr)
    for j, (t, _) in enumerate(B02_COLS):
        cell_text(hdr.cells[j], t, bold=True, center=True, size=10)
    widths = [1.0, 6.0, 1.6, 3.0, 1.6, 2.2, 7.5, 1.5, 1.8]
    for cat, rows in B02_DATA:
        row = table.add_row()
        merged = row.cells[0].merge(row.cells[ncol - 1])
        cell_text(merged, cat, bold=True, size=10)
        for r in rows:
            row = table.add_row()
            for j, v in enumerate(r):
                cell_text(row.cells[j], v, center=j in (0, 2, 4, 5, 7))
    for row in table.rows:
        for j, w in enumerate(widths):
            if j < len(row.cells):
                row.cells[j].width = Cm(w)
    para(doc, "注：“是否完成”栏填写“是”或“否”；本表由区政府研究室汇总，报区政府主要领导审阅。", size=11)
    fname = B02_STEM + ".docx"
    doc.save(os.path.join(FILES, fname))
    items = [expected_item(B02_COLS, r, cat) for cat, rows in B02_DATA for r in rows]
    write_expected(
        B02_STEM, fname,
        "docx, landscape: title + 截至 subtitle + 填报单位/填报日期 paragraphs, one table with 9 columns "
        "序号/任务分解/责任领导/牵头责任单位/责任人/完成时限/完成情况/是否完成/备注; category rows "
        "(一、坚持项目为王，扩大有效投资 …) merged across the whole table; 序号 restarts at 1 in each "
        "category; two leader columns (责任领导, 责任人) both kept as extra; 是否完成 kept as extra; no "
        "problems/plan columns; unit cells with lead marks (区商务局、区大数据局（牵头）) and newline "
        "separation; blank progress row; 注 paragraph after the table",
        B02_TITLE, B02_COLS, items)


# ==========================================================================
# b03  云南 昆明呈贡  reporting-system export  GBK csv, 序号 1-1
# ==========================================================================
B03_STEM = "b03_yunnan_chenggong_system_export_gbk"
B03_COLS = [("序号", "seq"), ("项目类别", "category"), ("项目名称", "content"),
            ("建设内容及年度目标", "other"), ("责任单位", "unit"), ("配合单位", "partner"),
            ("责任领导", "leader"), ("计划完成时间", "deadline"), ("完成进度(%)", "other"),
            ("截至10月底进展情况", "progress"), ("存在问题", "problems"),
            ("11月工作计划", "plan"), ("填报状态", "other")]
B03_ROWS = [
    ["1-1", "教育提质", "新建呈贡区第三十中学", "新建校舍4.2万平方米，新增学位2160个，2025年8月投用",
     "区教体局", "区住建局、区自然资源分局", "李国华", "2025-08-31", "100",
     "学校已于8月28日竣工验收，9月1日正式开学，新增学位2160个。", "无", "无", "已审核"],
    ["1-2", "教育提质", "实施中小学食堂“明厨亮灶”改造", "完成52所中小学食堂“明厨亮灶”改造",
     "区教体局", "区市场监管局", "李国华", "2025-12-31", "75",
     "已完成39所学校食堂改造，剩余13所正在施工。", "部分学校食堂需错峰施工，进度较慢",
     "利用周末时间集中施工，确保12月底前全部完成", "已审核"],
    ["1-3", "教育提质", "新增公办幼儿园学位 ", "新增公办幼儿园学位900个",
     "区教体局", "各街道办事处", "李国华", "2025-09-30", "100",
     "新增公办幼儿园学位960个，超额完成年度目标。", "无", "无", "已审核"],
    ["2-1", "医疗卫生", "建设区妇幼保健院新院", "总建筑面积3.6万平方米，设置床位300张",
     "区卫健局", "区发改局，区财政局", "杨敏", "2025年12月底", "60",
     "主体结构已封顶，正在进行二次结构及机电安装。", "资金拨付滞后，部分工程款未到位",
     "积极争取专项债资金，加快工程款拨付", "已审核"],
    ["2-2", "医疗卫生", "提升家庭医生签约服务", "重点人群家庭医生签约率达到80%",
     "区卫健局", "各街道办事处", "杨敏", "2025-12-31", "92",
     "重点人群家庭医生签约率达73.6%。", "无", "开展家庭医生签约服务进社区活动", "待审核"],
    ["2-3", "医疗卫生", "开展适龄女性“两癌”免费筛查", "完成1.2万名适龄女性“两癌”筛查",
     "区妇联（牵头）、区卫健局", "", "杨敏", "2025-11-30", "88",
     "已完成筛查10560人。", "无", "11月底前完成剩余筛查任务", "已审核"],
    ["3-1", "城市更新", "实施老旧小区改造", "改造老旧小区18个、涉及居民3260户",
     "区住建局", "龙城街道，乌龙街道", "张涛", "2025-12-31", "70",
     "18个小区已全部开工，完工11个。\n其余小区正在开展外立面及雨污分流改造。", "无",
     "加快剩余7个小区施工进度", "已审核"],
    ["3-2", "城市更新", "新增公共停车泊位", "新增公共停车泊位1500个",
     "区城管局", "公安呈贡分局交警大队", "张涛", "2025-12-31", "",
     "", "临时停车场用地指标未落实", "协调自然资源部门落实临时用地", "未填报"],
    ["3-3", "城市更新", "建设口袋公园", "建设口袋公园10个",
     "区城管局", "区林草局", "张涛", "2025-10-31", "100",
     "10个口袋公园已全部建成开放。", "无", "无", "已审核"],
    ["4-1", "就业社保", "稳定扩大城镇就业", "城镇新增就业1.5万人",
     "区人社局", "", "王芳", "2025-12-31", "96",
     "1-10月城镇新增就业14420人。", "无", "持续开展“春风行动”等系列招聘活动", "已审核"],
    ["4-2", "就业社保", "建设“15分钟就业服务圈”", "建成社区就业服务站20个",
     "区人社局", "各街道办事处、区总工会", "王芳", "2025-11-30", "80",
     "已建成社区就业服务站16个。", "部分社区场地不足", "与社区综合服务中心共建共享场地", "已审核"],
    ["4-3", "就业社保", "提高城乡居民基础养老金", "按上级政策提高城乡居民基础养老金标准",
     "区人社局", "区财政局", "王芳", "2025年6月底", "100",
     "已按新标准足额发放到位。", "无", "无", "已审核"],
]


def make_b03():
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow([t for t, _ in B03_COLS])
    for r in B03_ROWS:
        w.writerow(r)
    w.writerow(["导出人：chenggong_msb　导出时间：2025-11-04 10:23:17"] + [""] * (len(B03_COLS) - 1))
    fname = B03_STEM + ".csv"
    with open(os.path.join(FILES, fname), "wb") as f:
        f.write(buf.getvalue().encode("gbk"))
    items = [expected_item(B03_COLS, r, None) for r in B03_ROWS]
    write_expected(
        B03_STEM, fname,
        "CSV encoded GBK exported by a reporting system, no title, header on line 1: 序号,项目类别,项目名称,"
        "建设内容及年度目标,责任单位,配合单位,责任领导,计划完成时间,完成进度(%),截至10月底进展情况,存在问题,"
        "11月工作计划,填报状态; hierarchical 序号 (1-1, 2-3 …); 项目类别 on every row; lead mark inside "
        "责任单位 (区妇联（牵头）、区卫健局); partners separated by 、 or fullwidth ，; blank 配合单位 cells; "
        "a trailing space in one 项目名称; quoted multi-line progress; blank progress row; last line is a "
        "导出人/导出时间 footer (not an item); CRLF",
        None, B03_COLS, items)


# ==========================================================================
# b04  黑龙江 哈尔滨松北  重点项目  legacy .xls (converted), 合计 row, category rows
# ==========================================================================
B04_STEM = "b04_heilongjiang_songbei_zhongdian_xiangmu_legacy"
B04_TITLE = "2025年松北区重点项目建设进展情况表"
B04_COLS = [("序号", "seq"), ("项目名称", "content"), ("建设性质", "other"),
            ("建设规模及内容", "other"), ("总投资", "other"), ("2025年计划投资", "other"),
            ("1-9月完成投资", "other"), ("形象进度", "progress"), ("存在问题", "problems"),
            ("责任单位", "unit"), ("包抓领导", "leader"), ("备注", "note")]
B04_DATA = [
    ("一、续建项目", [
        [1, "哈尔滨松北新能源汽车零部件产业园", "续建",
         "占地面积32万平方米，建设厂房、研发中心等，形成年产50万套电驱系统能力",
         185000, 42000, 35600, "一期厂房已投产，二期厂房主体完工，正在进行设备安装。", "无",
         "区工信局", "刘长青", None],
        [2, "松北区智慧供热改造项目", "续建", "改造换热站46座、供热管网38公里",
         26800, 12000, 11350.5, "换热站改造完成44座，管网改造完成36.2公里。",
         "2座换热站受征地影响尚未开工。", "区住建局", "孙海涛", None],
        [3, "太阳岛风景区提档升级工程", "续建", "改造游览步道12公里，新建游客服务中心3处",
         48500, 15000, 9800, "步道改造完成9公里，3处游客服务中心主体施工中。",
         "冬季停工期临近，工期紧张。", "区文旅局", "赵雪梅", None],
        [4, "松北区第二人民医院新院区", "续建", "总建筑面积8.6万平方米，设置床位600张",
         92000, 30000, 24600, "门诊楼、住院楼主体完工，室内装修完成40%。", "无",
         "区卫健局", "赵雪梅", None],
        [5, "对青山镇高标准农田建设项目", "续建", "建设高标准农田3.2万亩",
         6400, 6400, 6400, "已完工，待验收。", "无", "区农业农村局", "刘长青", "10月底前完成验收"],
    ]),
    ("二、新建项目", [
        [6, "冰雪装备制造产业基地", "新建", "建设标准化厂房12万平方米及配套设施",
         68000, 20000, 7200, "完成场地平整、桩基施工，1号、2号厂房基础施工中。",
         "部分建设用地指标尚未获批。", "区发改局", "刘长青", None],
        [7, "松北区数据中心二期", "新建", "建设标准机柜3000架及配套电力设施",
         120000, 25000, None, None, "项目正在办理节能审查手续。", "区大数据中心", "孙海涛", "计划11月开工"],
        [8, "世茂大道延长线道路工程", "新建", "新建道路2.8公里，双向六车道",
         35600, 18000, 12300, "路基工程完成80%，排水管网铺设完成1.9公里。", "无",
         "区交通运输局、区住建局", "孙海涛", None],
        [9, "松北区第五中学", "新建", "建设36个班初级中学，建筑面积3.5万平方米",
         21500, 12000, 8650, "教学楼主体封顶，综合楼施工至三层。", "无", "区教育局", "赵雪梅", None],
        [10, "万宝镇冷链物流中心", "新建", "建设冷库2万吨及分拣配送中心",
         15800, 8000, 3120.8, "冷库基础施工完成。", "项目融资尚未完全到位。", "区商务局", "刘长青", None],
    ]),
]


def make_b04():
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Sheet1"
    ncol = len(B04_COLS)
    last = get_column_letter(ncol)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = B04_TITLE
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32
    ws.merge_cells(f"J2:{last}2")
    ws["J2"] = "单位：万元"
    ws["J2"].alignment = Alignment(horizontal="right")
    for j, (t, _) in enumerate(B04_COLS, start=1):
        xl_cell(ws, 3, j, t, bold=True, center=True)
    r = 4
    # 合计 row
    all_rows = [x for _, rows in B04_DATA for x in rows]
    xl_cell(ws, r, 1, None)
    xl_cell(ws, r, 2, "合计", bold=True, center=True)
    xl_cell(ws, r, 3, None)
    xl_cell(ws, r, 4, f"共{len(all_rows)}个项目", center=True)
    for j in (5, 6, 7):
        total = sum((x[j - 1] or 0) for x in all_rows)
        xl_cell(ws, r, j, round(total, 1), bold=True, center=True)
    for j in range(8, ncol + 1):
        xl_cell(ws, r, j, None)
    r += 1
    for cat, rows in B04_DATA:
        for j in range(1, ncol + 1):
            xl_cell(ws, r, j, None)
        ws.cell(row=r, column=1, value=cat).font = Font(name="宋体", size=10, bold=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
        r += 1
        for row in rows:
            for j, v in enumerate(row, start=1):
                xl_cell(ws, r, j, v, center=j in (1, 3, 5, 6, 7, 11))
            r += 1
    ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=ncol)
    ws.cell(row=r, column=1, value="填报人：王磊　　审核人：张文　　联系电话：0451-88123456")
    widths = [6, 26, 8, 30, 10, 10, 10, 34, 22, 14, 9, 14]
    for i, wdt in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = wdt
    src = os.path.join(BUILD, B04_STEM + ".xlsx")
    wb.save(src)
    soffice_convert(src, 'xls:MS Excel 97', FILES)
    fname = B04_STEM + ".xls"
    assert os.path.exists(os.path.join(FILES, fname)), "xls conversion failed"
    items = [expected_item(B04_COLS, x, cat) for cat, rows in B04_DATA for x in rows]
    write_expected(
        B04_STEM, fname,
        "legacy Excel 97 .xls (converted by LibreOffice from a generated xlsx) 重点项目 ledger: merged "
        "title row, a 单位：万元 row, single header row 序号/项目名称/建设性质/建设规模及内容/总投资/"
        "2025年计划投资/1-9月完成投资/形象进度/存在问题/责任单位/包抓领导/备注 (progress before unit); a 合计 "
        "row right under the header (not an item); category rows 一、续建项目 / 二、新建项目 merged across "
        "the table; numeric investment cells (int and float, one blank) kept as extra; 形象进度 = progress; "
        "no deadline/plan columns; blank progress row; 填报人/审核人 row below",
        B04_TITLE, B04_COLS, items)


# ==========================================================================
# b05  贵州 遵义汇川  十件民生实事  legacy .doc (converted), table continued (续表)
# ==========================================================================
B05_STEM = "b05_guizhou_huichuan_minsheng_shishi_xubiao_legacy"
B05_TITLE = "汇川区2025年十件民生实事项目推进情况表"
B05_COLS = [("编号", "seq"), ("民生实事名称", "content"), ("主要目标", "other"),
            ("主责单位", "unit"), ("协同单位", "partner"), ("时间节点", "deadline"),
            ("截至9月底完成情况", "progress"), ("存在困难和问题", "problems"),
            ("四季度工作安排", "plan"), ("备注", "note")]
B05_ROWS = [
    ["一", "城乡学位扩容", "新建改扩建中小学、幼儿园5所，新增学位3600个", "区教育局",
     "区住建局、区自然资源局", "2025年8月底", "5所学校全部建成投用，新增学位3780个。", "无", "无", "已完成"],
    ["二", "基层医疗能力提升", "完成8个乡镇卫生院提质改造，建成2个县域医疗次中心", "区卫健局",
     "区发改局、区财政局", "2025年12月底",
     "8个乡镇卫生院提质改造已完工6个；高坪医疗次中心已挂牌运行，董公寺医疗次中心设备采购中。",
     "医疗设备采购流程较长。", "加快设备采购，12月底前完成次中心建设。", ""],
    ["三", "养老服务提质", "新建社区嵌入式养老服务中心6个，新增养老床位300张", "区民政局",
     "各镇（街道）", "2025年11月底", "已建成嵌入式养老服务中心4个，新增养老床位210张。\n另有2个中心正在装修。",
     "无", "11月底前完成剩余2个中心建设并投入运营。", ""],
    ["四", "农村饮水安全巩固", "实施农村供水保障工程12处，惠及群众4.5万人", "区水务局",
     "相关镇（街道）", "2025年10月底", "12处工程已全部完工通水，惠及群众4.7万人。", "无",
     "做好工程运行管护。", "已完成"],
    ["五", "城市道路“微循环”改造", "打通断头路7条，改造人行道15公里", "区住建局",
     "区交通运输局、区城管局", "2025年12月底", "", "受征收影响，2条断头路尚未开工。",
     "加快征收进度，力争11月开工。", ""],
    ["六", "“菜篮子”保供稳价", "新建改造农贸市场5个，建设社区便民菜店20个", "区商务局",
     "区市场监管局", "2025年12月底", "完成农贸市场改造3个，建成社区便民菜店17个。", "无",
     "加快推进剩余2个农贸市场改造。", ""],
    ["七", "就业创业帮扶", "新增城镇就业8000人，发放创业担保贷款1.2亿元", "区人社局",
     "区财政局、区总工会", "2025年12月底", "新增城镇就业6850人；发放创业担保贷款1.06亿元。", "无",
     "开展“就业援助月”专项活动。", ""],
    ["八", "“一老一小”关爱服务", "新增普惠托位400个，为2000名困难老人提供居家上门服务",
     "区卫健局（牵头）、区民政局", "区妇联", "2025年12月底",
     "新增普惠托位310个；为1860名困难老人提供上门服务2.4万人次。", "普惠托育机构运营补贴尚未到位。",
     "协调区财政局落实运营补贴。", ""],
    ["九", "文体惠民", "开展“村BA”“村超”等群众性文体活动200场次，新建社区健身点30个", "区文体旅游局",
     "各镇（街道）", "2025年11月底", "开展群众性文体活动186场次，新建社区健身点30个。", "无",
     "继续开展冬季群众性文体活动。", "健身点已完成"],
    ["十", "背街小巷整治", "整治背街小巷50条", "区城管局", "区住建局\n各街道办事处", "2025年12月底",
     "已完成整治38条。", "部分小巷管线迁改协调难度大。", "加强与管线产权单位对接。", ""],
]


def make_b05():
    doc = Document()
    landscape(doc)
    para(doc, "附件1", size=14, name="黑体")
    para(doc, B05_TITLE, size=18, bold=True, center=True, name="方正小标宋简体")
    para(doc, "（截至2025年9月30日）", size=14, center=True, name="楷体_GB2312")
    para(doc, "填报单位：汇川区民生实事工作领导小组办公室", size=12)
    widths = [1.0, 2.6, 4.2, 2.2, 2.6, 1.9, 6.0, 3.2, 3.6, 1.6]

    def table(rows):
        t = doc.add_table(rows=1, cols=len(B05_COLS))
        t.style = "Table Grid"
        t.alignment = WD_TABLE_ALIGNMENT.CENTER
        for j, (title, _) in enumerate(B05_COLS):
            cell_text(t.rows[0].cells[j], title, bold=True, center=True, size=10)
        repeat_header(t.rows[0])
        for r in rows:
            row = t.add_row()
            for j, v in enumerate(r):
                cell_text(row.cells[j], v, center=j in (0, 5), soft_breaks=(j == 4))
        for row in t.rows:
            for j, wdt in enumerate(widths):
                row.cells[j].width = Cm(wdt)

    table(B05_ROWS[:5])
    para(doc, "（续表）", size=12, name="楷体_GB2312")
    table(B05_ROWS[5:])
    para(doc, "注：1.完成情况统计截至2025年9月30日；", size=11)
    para(doc, "2.“备注”栏填写已完成事项或需要说明的情况。", size=11)
    src = os.path.join(BUILD, B05_STEM + ".docx")
    doc.save(src)
    soffice_convert(src, "doc:MS Word 97", FILES)
    fname = B05_STEM + ".doc"
    assert os.path.exists(os.path.join(FILES, fname)), "doc conversion failed"
    items = [expected_item(B05_COLS, r, None) for r in B05_ROWS]
    write_expected(
        B05_STEM, fname,
        "legacy Word 97 .doc (converted by LibreOffice from a generated docx): 附件1 + title + 截至 + "
        "填报单位 paragraphs; the ledger is split into TWO tables with the same 10-column header "
        "编号/民生实事名称/主要目标/主责单位/协同单位/时间节点/截至9月底完成情况/存在困难和问题/四季度工作安排/备注, "
        "with a （续表） paragraph between them (items 一–五 then 六–十); 编号 are Chinese numerals 一…十 "
        "(items, not category rows); 主要目标 kept as extra; lead mark in 主责单位; one 协同单位 cell with a "
        "soft line break; no category; blank progress row; two 注 paragraphs after",
        B05_TITLE, B05_COLS, items)


# ==========================================================================
# b06  山西 太原小店  重点工作  xlsx: 填表说明 sheet first, ledger second, hidden 选项 sheet,
#      领域 / 责任部门 / 分管领导 merged vertically (fill-down), merges not aligned
# ==========================================================================
B06_STEM = "b06_shanxi_xiaodian_instructions_then_ledger_merged_units"
B06_TITLE = "小店区2025年重点工作任务推进情况台账"
B06_COLS = [("序号", "seq"), ("领域", "category"), ("工作任务", "content"), ("责任部门", "unit"),
            ("分管领导", "leader"), ("完成时间", "deadline"), ("上半年工作进展", "progress"),
            ("存在困难", "problems"), ("7月份计划", "plan"), ("推进状态", "other"), ("备注", "note")]
B06_ROWS = [
    [1, "产业发展", "推进数字经济产业带建设，新引进数字经济企业30家", "区工信局", "高建军", D(2025, 12, 31),
     "新引进数字经济企业17家，其中规上企业3家。", "无", "举办数字经济专场招商推介会。", "序时推进", None],
    [2, "产业发展", "培育规上工业企业，新增入规企业15家", "区工信局", "高建军", D(2025, 12, 31),
     "新增入规企业8家，另有5家企业已纳入培育库。", "部分企业产值未达入规标准。",
     "加强企业运行监测，指导符合条件的企业及时入规。", "序时推进", None],
    [3, "产业发展", "举办第二届晋阳湖文化旅游节", "区文旅局", "高建军", "2025年9月",
     "活动方案已制定，正在开展招商及场地布置前期工作。", "无", "完成活动方案审定及供应商遴选。", "序时推进", None],
    [4, "城市建设", "完成老旧小区改造45个", "区住建局", "任志强", D(2025, 11, 30),
     "45个小区已全部开工，完工18个。", "无", "加快外墙保温及管网改造施工。", "序时推进", None],
    [5, "城市建设", "实施城中村改造项目5个", "区住建局", "任志强", D(2025, 12, 31),
     "5个项目征收签约率达92%，其中2个项目已开工。", "个别住户签约难度大。", "依法依规推进剩余住户签约。",
     "滞后", None],
    [6, "城市建设", "新增集中供热面积200万平方米", "区住建局", "任志强", "2025年10月15日前",
     None, "热源配套工程尚未批复。", "对接市热力集团，加快手续办理。", "滞后", "需市级协调"],
    [7, "城市建设", "新建改造城市道路12条", "区城管局", "任志强", D(2025, 10, 31),
     "已完工7条，在建5条。", "无", "8月底前完成在建道路主体施工。", "序时推进", None],
    [8, "民生保障", "新增城镇就业1.2万人", "区人社局", "张慧敏", D(2025, 12, 31),
     "上半年新增城镇就业6830人，完成年度目标的56.9%。", "无", "组织“百日千万”招聘专项行动。", "已超序时", None],
    [9, "民生保障", "开展职业技能培训6000人次", "区人社局", "张慧敏", D(2025, 12, 31),
     "完成职业技能培训3420人次。", "无", "组织开展家政、养老护理等专项培训。", "序时推进", None],
    [10, "民生保障", "新建社区日间照料中心8个", "区民政局、区卫健局", "张慧敏", D(2025, 9, 30),
     "已建成3个，在建5个。", "部分社区用房面积不足。", "协调街道调剂用房。", "序时推进", None],
    [11, "民生保障", "新增公办幼儿园学位1200个", "区教育局", "张慧敏", D(2025, 8, 31),
     "4所公办幼儿园主体完工，正在室内装修，预计8月底交付使用。\n秋季学期招生方案已发布。", "无",
     "完成室内装修及设备采购。", "序时推进", None],
    [12, "生态环境", "PM2.5平均浓度控制在42微克/立方米以内", "区生态环境分局", "武建平", D(2025, 12, 31),
     "上半年PM2.5平均浓度44微克/立方米，同比下降6.4%。", "春季沙尘天气影响较大。",
     "强化扬尘管控和重污染天气应对。", "滞后", None],
    [13, "生态环境", "完成散煤清洁取暖改造3000户", "区生态环境分局", "武建平", D(2025, 10, 31),
     "已完成入户摸底，改造工程招标已完成。", "无", "7月启动入户改造施工。", "序时推进", None],
    [14, "生态环境", "新增绿化面积80万平方米", "区园林局", "武建平", D(2025, 11, 30),
     "已完成春季绿化52万平方米。", "无", "做好养护管理，谋划秋季绿化。", "序时推进", None],
]
B06_MERGE_COLS = (2, 4, 5)  # 领域, 责任部门, 分管领导 merged over equal consecutive values
B06_INSTRUCTIONS = [
    "填表说明",
    "一、本台账由各责任部门每月5日前更新“工作进展”“存在困难”“下月计划”三栏，报区政府办督查科。",
    "二、“推进状态”从下拉选项中选择：已完成、已超序时、序时推进、滞后。",
    "三、工作进展请写明具体数量和完成比例，不得只写“正在推进”。",
    "四、请勿修改“序号”“领域”“工作任务”“责任部门”“分管领导”“完成时间”各栏内容，不得增删行列。",
    "五、联系人：区政府办督查科 李敏，电话：0351-7012345。",
]


def make_b06():
    wb = openpyxl.Workbook()
    ins = wb.active
    ins.title = "填表说明"
    for i, line in enumerate(B06_INSTRUCTIONS, start=1):
        c = ins.cell(row=i, column=1, value=line)
        c.font = Font(name="宋体", size=14 if i == 1 else 11, bold=i == 1)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    ins.column_dimensions["A"].width = 100

    ws = wb.create_sheet("上半年台账")
    ncol = len(B06_COLS)
    last = get_column_letter(ncol)
    ws.merge_cells(f"A1:{last}1")
    ws["A1"] = B06_TITLE
    ws["A1"].font = Font(name="黑体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.merge_cells(f"A2:{last}2")
    ws["A2"] = "填报单位：小店区人民政府办公室　　　　　　　　填报时间：2025年7月5日"
    for j, (t, _) in enumerate(B06_COLS, start=1):
        xl_cell(ws, 3, j, t, bold=True, center=True)
    first = 4
    for i, row in enumerate(B06_ROWS):
        r = first + i
        for j, v in enumerate(row, start=1):
            xl_cell(ws, r, j, v, center=j in (1, 2, 4, 5, 6, 10),
                    fmt="yyyy-mm-dd" if isinstance(v, dt.datetime) else None)
    # vertical merges (fill-down): keep the value in the first cell only
    for col in B06_MERGE_COLS:
        start = 0
        for i in range(1, len(B06_ROWS) + 1):
            if i == len(B06_ROWS) or B06_ROWS[i][col - 1] != B06_ROWS[start][col - 1]:
                if i - 1 > start:
                    ws.merge_cells(start_row=first + start, start_column=col,
                                   end_row=first + i - 1, end_column=col)
                start = i
    # data validation list from the hidden options sheet
    opt = wb.create_sheet("选项")
    for i, v in enumerate(["已完成", "已超序时", "序时推进", "滞后"], start=1):
        opt.cell(row=i, column=1, value=v)
    opt.sheet_state = "hidden"
    dv = DataValidation(type="list", formula1="=选项!$A$1:$A$4", allow_blank=True)
    ws.add_data_validation(dv)
    dv.add(f"J{first}:J{first + len(B06_ROWS) - 1}")
    widths = [6, 10, 34, 14, 9, 12, 40, 22, 28, 10, 12]
    for i, wdt in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = wdt
    ws.freeze_panes = "D4"
    wb.active = 1
    fname = B06_STEM + ".xlsx"
    wb.save(os.path.join(FILES, fname))
    items = [expected_item(B06_COLS, r, None) for r in B06_ROWS]
    write_expected(
        B06_STEM, fname,
        "xlsx workbook: sheet 1 填表说明 (instructions, not a ledger), sheet 2 上半年台账 (the ledger, active), "
        "sheet 3 选项 hidden (drop-down values); ledger sheet: merged title row, merged 填报单位/填报时间 row, "
        "header 序号/领域/工作任务/责任部门/分管领导/完成时间/上半年工作进展/存在困难/7月份计划/推进状态/备注; "
        "领域, 责任部门 and 分管领导 merged vertically over runs of equal values (fill-down; the merges do not "
        "line up with each other); 完成时间 mostly date cells, some text; 推进状态 (drop-down) kept as extra; "
        "frozen panes at D4; blank progress row",
        B06_TITLE, B06_COLS, items)


# --------------------------------------------------------------------------
# verification: reopen every file and look for the texts the expected JSON claims
# --------------------------------------------------------------------------
def file_text(path):
    ext = path.rsplit(".", 1)[1]
    if ext == "csv":
        raw = open(path, "rb").read()
        try:
            raw.decode("utf-8")
            raise AssertionError("GBK csv decodes as UTF-8")
        except UnicodeDecodeError:
            pass
        return raw.decode("gbk")
    if ext == "xlsx":
        wb = openpyxl.load_workbook(path)
        out = []
        for ws in wb.worksheets:
            for row in ws.iter_rows(values_only=True):
                out.extend(as_text(v) for v in row if v is not None)
        return "\n".join(out)
    if ext == "docx":
        doc = Document(path)
        out = [p.text for p in doc.paragraphs]
        for t in doc.tables:
            for row in t.rows:
                out.extend(c.text for c in row.cells)
        return "\n".join(out)
    if ext in ("xls", "doc"):
        tmp = os.path.join(BUILD, "verify")
        os.makedirs(tmp, exist_ok=True)
        soffice_convert(path, "xlsx" if ext == "xls" else "docx", tmp)
        stem = os.path.basename(path).rsplit(".", 1)[0]
        return file_text(os.path.join(tmp, stem + (".xlsx" if ext == "xls" else ".docx")))
    raise ValueError(path)


def verify():
    ok = True
    for name in sorted(os.listdir(EXPECTED)):
        exp = json.load(open(os.path.join(EXPECTED, name), encoding="utf-8"))
        text = file_text(os.path.join(FILES, exp["file"]))
        flat = text.replace("\n", "")
        needles = [exp["title"]] if exp["title"] else []
        needles += [c["title"] for c in exp["columns"]]
        for it in exp["items"]:
            needles += [it["content"], it["seq"], it["category"], it["progress"], it["problems"],
                        it["plan"], it["deadline"]]
            needles += it["units"] + it["partners"] + list(it["extra"].values())
        missing = []
        for n in needles:
            if not n:
                continue
            n2 = n.replace("\n", "")
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", n2):
                continue  # date cells are rendered by number format
            if n2 not in flat:
                missing.append(n2)
        print(f"{exp['file']}: {len(exp['items'])} items, "
              f"{'OK' if not missing else 'MISSING ' + repr(missing[:5])}")
        ok &= not missing
    return ok


def main():
    os.makedirs(FILES, exist_ok=True)
    os.makedirs(EXPECTED, exist_ok=True)
    os.makedirs(BUILD, exist_ok=True)
    try:
        make_b01()
        make_b02()
        make_b03()
        make_b04()
        make_b05()
        make_b06()
        if "--verify" in sys.argv:
            if not verify():
                sys.exit(1)
    finally:
        shutil.rmtree(BUILD, ignore_errors=True)


if __name__ == "__main__":
    main()
