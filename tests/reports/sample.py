"""Ledger fixtures for the report tests and the benchmark: the seed ledger and a generator of large ones."""

from __future__ import annotations

import random
from datetime import date

from reports.ledger import ItemInput, Ledger, TargetInput, UnitPart, build_ledger

TITLE = "2025年一季度民生实事工作进展情况台账"
HEADER = ("序号", "目标任务", "具体项目内容", "责任单位", "进展情况", "存在问题", "4月份计划")

# The seed's 33 rows, cell for cell (seed file 000_a58c56e4ce870659.txt): 序号, 目标任务, 具体项目内容,
# 责任单位 as printed (blank = same as the row above; some names wrap over two lines), 进展情况, 存在问题,
# 4月份计划. A blank 序号/目标任务 continues the category above (a vertical merge in the Word original).
SEED_ROWS: tuple[tuple[int, str, str, str, str, str, str], ...] = (
    # 1
    (
        1,
        "基层医疗服务\n提升工程",
        "新增样板村卫生室30处，改造提升薄弱村卫生室86处。",
        "区卫健局",
        "印发《山亭区村卫生室2025年提升行动工作方案》；30处样板村卫生室已全部开工建设，其中新建7家、改扩建23家；86处薄弱村卫生室改造提升工作正加快推进。",
        "无",
        "加快推进30处样板村、86处薄弱村建设提升进度，确保按照既定时限完成建设任务。",
    ),
    # 2
    (
        1,
        "基层医疗服务\n提升工程",
        "推进村卫生室一体化管理，实现药品集采100%全覆盖。",
        "区卫健局\n区医保局",
        "举办全区医责险相关政策解读培训，普及理赔流程等相关政策，进一步落实一体化村卫生室医责险保障工作。持续推进未纳入医保定点村卫生室的医保报销工作，目前2家卫生室已提交申请材料。",
        "无",
        "开通医保联网结算，实现“应纳尽纳”“应联尽联”“应报尽报”。根据一体化建设进度，做好集采药品进基层政策落实。",
    ),
    # 3
    (
        1,
        "基层医疗服务\n提升工程",
        "推进全区20家定点医疗机构实现就医购药报销“刷脸办”。",
        "区医保局",
        "已完成。",
        "",
        "",
    ),
    # 4
    (
        1,
        "基层医疗服务\n提升工程",
        "逐步扩大门诊慢特病“免申即享”病种。",
        "",
        "“免申即享”病种已开通高血压、糖尿病、恶性肿瘤放化疗、器官移植等4种病种。",
        "无",
        "加强门诊慢性病“免审即享”政策宣传，筛选更多适合病种纳入“免审即享”范围。",
    ),
    # 5
    (
        2,
        "优质教育综合\n提升工程",
        "扩增普通高中学位400个，高中入学比例提高至70%。",
        "区教体局",
        "2025年计划扩招高中学位400个，高中入学比例超过70%。目前，招生计划已上报至市教育局。",
        "无",
        "按照招生计划及市教育局工作要求，积极推动高中学位扩增以及招生工作。",
    ),
    # 6
    (
        2,
        "优质教育综合\n提升工程",
        "启用府前路幼儿园，幼儿园公办率、普惠性幼儿园覆盖率稳步提升。",
        "",
        "府前路幼儿园正在推进主体二次结构施工，目前已完成80%。",
        "无",
        "完成内外墙抹灰、主体验收等工作。",
    ),
    # 7
    (
        2,
        "优质教育综合\n提升工程",
        "实施43所公办学校“校园天眼”监控网络工程。",
        "",
        "事前绩效评估已完成，评估金额266.69万元。目前，正在推进财政评审工作。",
        "无",
        "完成项目工程造价评审及政府采购计划审批。",
    ),
    # 8
    (
        2,
        "优质教育综合\n提升工程",
        "建设山亭青少年法治教育基地。",
        "区委政法委\n区检察院\n区教体局",
        "财政评审已通过，评审金额819.4万元，项目设计招标已完成。",
        "无",
        "发布项目工程招标公告。",
    ),
    # 9
    (
        3,
        "特殊群体关爱提升工程",
        "实施特困人员照护服务405户、留守困境儿童关爱服务107户。",
        "区民政局",
        "3月份，共为314人提供照护服务698次，服务时长共计901小时；开展留守儿童关爱服务主题活动5次，惠及留守儿童59人；发放重点困境儿童基本生活保障金16.9余万元，惠及儿童234人。",
        "无",
        "指导承接机构加强服务人员照护培训，提高专业化照料服务水平；持续加大对留守困境儿童关爱力度，为符合保障条件的儿童提供相应资金救助。",
    ),
    # 10
    (
        3,
        "特殊群体关爱提升工程",
        "改造残疾人无障碍家庭50户。",
        "区残联",
        "印发《关于做好2025年度困难重度残疾人家庭无障碍改造工作的通知》。",
        "无",
        "加强与市残联沟通力度，全力争取无障碍家庭改造资金。",
    ),
    # 11
    (
        3,
        "特殊群体关爱提升工程",
        "改造低收入群体危房38户。",
        "区住建局",
        "46户低收入群体危房已开工改造。",
        "无",
        "持续跟踪服务，推进危房改造工程建设进度。",
    ),
    # 12
    (
        3,
        "特殊群体关爱提升工程",
        "全面做好低收入“两癌”患病妇女救助、残疾人托养服务、残疾儿童康复救助、困难职工救助等400人以上。",
        "区工会\n区妇联\n区残联",
        "召开2025年女性安康工程启动会议，启动低收入“两癌”患病妇女救助工作；残疾人托养服务、残疾儿童康复救助累计审核救助134名，困难职工救助累计120人次。",
        "无",
        "持续做好低收入妇女“两癌”保险投保、残疾人托养服务、儿童康复资金审核以及困难职工救助等工作。",
    ),
    # 13
    (
        4,
        "城乡交通畅安提升工程",
        "协调推进枣庄翼云机场建设，年内实现通航。",
        "区交运局",
        "供水管网已铺设完成并实现供水，正在推进场道工程土面精平、围界及排水施工以及航站区楼面、外墙、消防管道施工。",
        "无",
        "协助机场公司加快施工进度，加快推进外围配套工程建设。",
    ),
    # 14
    (
        4,
        "城乡交通畅安提升工程",
        "实施G518店韩线养子峪至驳山头段、S320山留线艾湖至王庙段、S313滕平线山亭段等外联主干道大中修工程。",
        "",
        "已制定S313大中修工程施工方案，计划分4个路段实施。其中，店子镇红绿灯至邹城界已封闭启动施工。",
        "无",
        "加快施工进度，确保按期完成建设任务。",
    ),
    # 15
    (
        4,
        "城乡交通畅安提升工程",
        "建设“四好农村路”46公里、“户户通”62公里。",
        "",
        "“四好农村路”已完成路基施工10公里，路面施工1公里。",
        "无",
        "积极对上争取资金，加快路基建设。",
    ),
    # 16
    (
        4,
        "城乡交通畅安提升工程",
        "实施县道分幸公路改扩建工程。",
        "",
        "施工单位已进场启动路基建设。",
        "无",
        "完成路基工程，压茬推进路面施工。",
    ),
    # 17
    (
        4,
        "城乡交通畅安提升工程",
        "实施崇文北路、仙台北路等城市道路升级改造，安装交通信号灯16处。",
        "区公安分局\n区综合行政\n执法局",
        "1.崇文北路已铺设雨污管网170m，正在推进路面铣刨。\n2.剩余11处新建交安设施已完成安装方案设计。",
        "无",
        "1.完成雨污管网铺设，人行道进行硬化铺装。\n2.推动剩余11处新建交安设施安装项目落地实施。",
    ),
    # 18
    (
        5,
        "饮水保障能力提升工程",
        "提高农村供水保障工程管理运营能力，建设取水、制水、输水、用水、节水为一体的全流程智慧水务平台，提高监管信息化水平，确保供水安全。",
        "区城乡水务局",
        "编制完成《山亭区农村供水“户户通”及县域统管工作实施方案》；优化网点布局、加密网点设置、增设自助缴费设备，稳步推进智慧水务平台建设。",
        "无",
        "印发《山亭区农村供水“户户通”及县域统管工作实施方案》；完成供水工程内业资料编制，做好工程确权；加快推进智慧水务平台建设。",
    ),
    # 19
    (
        6,
        "和美乡村建设提升工程",
        "完成桑村镇、西集镇、北庄镇、凫城镇4个创新引领乡村振兴示范片区以及16个和美乡村示范村创建。",
        "区农业农村局",
        "1.西集镇、桑村镇、凫城镇3个片区实施项目77个，已完工60个，剩余17个项目已完成实施方案和工程预算编制；北庄镇片区中华小樱桃产业副合示范园规划项目7个，已完成2个，洪门村规划项目8个，已完成2个，龙床峡文旅融合规划项目8个已完成1个，剩余项目正在加快推进。\n2.2个省级和美乡村示范村中的西集镇卢山口村正招投标，北庄镇洪门村完成预算编制；14个市级和美乡村示范村正在编制规划方案及工程预算。",
        "市级2025年度示范片区、和美乡村建设资金均未下达，影响西集、凫城、桑村片区及市级和美乡村项目整体工作进度。",
        "指导有关镇做好项目预算编制工作，待市级资金指标下达，即开展财政评审、招投标工作。",
    ),
    # 20
    (
        7,
        "城市环境品质提升工程",
        "加快城市更新，新建供热管网3公里。",
        "区住建局",
        "完成玄武路管网施工0.2公里，正在谋划香港西街、新源路、青屏路供热管网项目。",
        "无",
        "加快项目规划论证，积极筹措资金，推进项目建设。",
    ),
    # 21
    (
        7,
        "城市环境品质提升工程",
        "完成香港街商业综合体建设。",
        "山兴集团",
        "主体已完成地上1至3层施工，正在推进地上4层施工。",
        "无",
        "完成主体部分建设施工。",
    ),
    # 22
    (
        7,
        "城市环境品质提升工程",
        "打造城市绿道示范路4公里。",
        "区综合行政\n执法局",
        "正在制定实施方案。",
        "无",
        "实施方案确定后，开始施工。",
    ),
    # 23
    (
        7,
        "城市环境品质提升工程",
        "建设提升公园游园（口袋公园）、儿童友好型公园、城市公园开放共享点位等6处。",
        "",
        "儿童友好型公园（体育公园）正在实施绿化建设；5处口袋公园正在制定实施方案。",
        "无",
        "儿童友好型公园（体育公园）完成绿化建设；5处口袋公园实施方案确定后，开始施工。",
    ),
    # 24
    (
        7,
        "城市环境品质提升工程",
        "新增停车泊位256个，公共充电桩总数达到400个。",
        "区发改局\n区综合行政\n执法局",
        "新增路内停车位35个，累计建成公共充电桩399个。",
        "无",
        "开工建设体育公园停车场。",
    ),
    # 25
    (
        8,
        "文化体育惠民提升工程",
        "安排戏曲演出280场。",
        "区文旅局",
        "印发《山亭区2025年戏曲进乡村文化惠民活动实施方案》，正在筹备2025年送戏下乡会议。",
        "无",
        "召开山亭区2025年“一年一村一场戏”送戏下乡会议，对全年工作进行安排部署。",
    ),
    # 26
    (
        8,
        "文化体育惠民提升工程",
        "为100个村级文化服务中心配送文娱设施1000余件。",
        "",
        "已确定100个村级文化中心配送名单。",
        "无",
        "筹备文娱设施采购工作。",
    ),
    # 27
    (
        8,
        "文化体育惠民提升工程",
        "举办全民健身赛事、抱犊崮登山赛、梅花山山地自行车公开赛等活动20场。",
        "区体育事业\n发展中心",
        "已累计举办区级体育赛事活动3场，镇街体育赛事活动4场。",
        "无",
        "筹备举办“枣庄市第十五届全民健身运动会开幕式暨抱犊崮登山比赛”和“2025年山东省徒步登高赛暨山亭区‘敢为人先 勇攀高峰’抱犊崮登山比赛”。",
    ),
    # 28
    (
        8,
        "文化体育惠民提升工程",
        "更新镇街、村居全民健身场地、设施20处。",
        "",
        "开展全区公共室外健身设施摸底工作。",
        "无",
        "做好全区体育场地设施督导检查工作。",
    ),
    # 29
    (
        9,
        "创业就业服务提升工程",
        "举办线上线下招聘活动50场次以上，新增城镇就业2800人以上，力争发放创业担保贷款1亿元。",
        "区人社局",
        "举办“巾帼送岗下乡”专场招聘会暨创业担保贷款推介活动、2025年“春风行动”、高校毕业生春季专场网络招聘会等招聘活动5场，累计新增城镇就业1052人，发放创业担保贷款2575万元。",
        "无",
        "计划开展“职引未来—2025年全国城市联合招聘高校毕业生春季专场暨山亭区人才对接专场网络招聘会”“山亭区2025年‘职引未来•榴在崮’高校毕业生春季专场线下招聘会”。",
    ),
    # 30
    (
        9,
        "创业就业服务提升工程",
        "持续开展免费技能培训，新增高技能人才1000人以上。",
        "",
        "已对4家遴选补贴性创业培训机构报送的材料进行初步审核；新增高技能人才62人。",
        "无",
        "组织专家对遴选机构进行专业化评审，遴选出一批高质量的承训机构在区内开展培训，落实职业培训补贴，加强高技能人才的培育。",
    ),
    # 31
    (
        10,
        "供电优质服务提升工程",
        "完成1个非直供小区供电设施改造，实现“一户一表”。",
        "区供电中心",
        "非直供小区紫荆花苑已完成土建施工，电气施工完成30%。",
        "无",
        "按照供电中心2025年非直供小区供电设施改造实施里程碑计划推进。",
    ),
    # 32
    (
        10,
        "供电优质服务提升工程",
        "完成51个行政村、65个供电台区电网升级改造，实现4条配电线路拉手联络。",
        "",
        "已完成马厂村等15个村、23个供电台区升级改造；北农线等4条配电线路拉手联络工程已完成土建基础、电气施工等工作。",
        "无",
        "按照供电中心2025年配农网升级改造里程碑计划推进。",
    ),
    # 33
    (
        10,
        "供电优质服务提升工程",
        "完成4处变电站改造，全力保障供电安全。",
        "",
        "已完成冯卯站等4座变电站施工合同签订、现场施工方案设计、物料采购等前期工作。",
        "无",
        "按照供电中心2025年变电站升级改造里程碑计划推进。",
    ),
)

# Unit names that the seed wraps over two lines inside the cell.
WRAPPED_UNITS = {"区综合行政\n执法局": "区综合行政执法局", "区体育事业\n发展中心": "区体育事业发展中心"}


def _t(
    name: str, value: float, unit: str, achieved: float | None = None, kind: str = "increment"
) -> TargetInput:
    return TargetInput(name=name, value=value, unit=unit, kind=kind, achieved=achieved)


# Status, targets and an optional span per seed row (1-based), read off the row's own text.
SEED_FACTS: dict[int, tuple[str, tuple[TargetInput, ...], date | None]] = {
    1: ("in_progress", (_t("样板村卫生室", 30, "处"), _t("薄弱村卫生室", 86, "处")), None),
    2: ("in_progress", (_t("药品集采覆盖率", 100, "%", kind="percent"),), None),
    3: ("completed", (_t("定点医疗机构", 20, "家", 20),), None),
    4: ("in_progress", (), None),
    5: ("preparing", (_t("普通高中学位", 400, "个"), _t("高中入学比例", 70, "%", kind="percent")), None),
    6: ("in_progress", (), None),
    7: ("preparing", (_t("公办学校", 43, "所", 0),), None),
    8: ("preparing", (), None),
    9: ("in_progress", (_t("特困人员照护服务", 405, "户"), _t("留守困境儿童关爱服务", 107, "户")), None),
    10: ("preparing", (_t("无障碍家庭改造", 50, "户", 0),), None),
    11: ("in_progress", (_t("低收入群体危房改造", 38, "户"),), None),
    12: ("in_progress", (_t("救助", 400, "人", 254),), None),
    13: ("in_progress", (), None),
    14: ("in_progress", (), None),
    15: ("in_progress", (_t("四好农村路", 46, "公里", 1), _t("户户通", 62, "公里", 0)), None),
    16: ("in_progress", (), None),
    17: ("in_progress", (_t("交通信号灯", 16, "处", 5),), None),
    18: ("in_progress", (), None),
    19: ("in_progress", (_t("示范片区", 4, "个", 0), _t("和美乡村示范村", 16, "个", 0)), date(2025, 6, 30)),
    20: ("in_progress", (_t("供热管网", 3, "公里", 0.2),), None),
    21: ("in_progress", (), None),
    22: ("preparing", (_t("城市绿道示范路", 4, "公里"),), None),
    23: ("in_progress", (_t("公园游园", 6, "处", 0),), None),
    24: (
        "in_progress",
        (_t("停车泊位", 256, "个", 35), _t("公共充电桩", 400, "个", 399, kind="total")),
        None,
    ),
    25: ("preparing", (_t("戏曲演出", 280, "场", 0),), None),
    26: ("preparing", (_t("文娱设施", 1000, "件", 0),), None),
    27: ("in_progress", (_t("体育赛事活动", 20, "场", 7),), None),
    28: ("preparing", (_t("全民健身场地设施", 20, "处", 0),), None),
    29: (
        "in_progress",
        (
            _t("招聘活动", 50, "场次", 5),
            _t("新增城镇就业", 2800, "人", 1052),
            _t("创业担保贷款", 10000, "万元", 2575),
        ),
        None,
    ),
    30: ("in_progress", (_t("新增高技能人才", 1000, "人", 62),), None),
    31: ("in_progress", (_t("非直供小区改造", 1, "个", 0),), None),
    32: (
        "in_progress",
        (
            _t("行政村电网升级", 51, "个", 15),
            _t("供电台区升级", 65, "个", 23),
            _t("配电线路拉手联络", 4, "条", 0),
        ),
        None,
    ),
    33: ("preparing", (_t("变电站改造", 4, "处", 0),), None),
}


def unit_tuple(cell: str) -> tuple[str, ...]:
    """Return the unit names of a seed 责任单位 cell, rejoining names the seed wraps."""
    for wrapped, name in WRAPPED_UNITS.items():
        cell = cell.replace(wrapped, name)
    return tuple(u for u in cell.split("\n") if u)


def seed_items() -> list[ItemInput]:
    """Return the seed's 33 items as they would be imported, blank unit cells inheriting the row above."""
    items: list[ItemInput] = []
    units: tuple[str, ...] = ()
    for number, (seq, category, content, unit_cell, progress, problems, plan) in enumerate(SEED_ROWS, 1):
        units = unit_tuple(unit_cell) or units
        status, targets, span_end = SEED_FACTS[number]
        items.append(
            ItemInput(
                item_id=number,
                seq=seq,
                category=category,
                content=content,
                units=units,
                targets=targets,
                parts=(UnitPart(progress=progress, problems=problems, plan=plan, status=status),),
                status=status,
                span_end=span_end,
            )
        )
    return items


def seed_units() -> tuple[str, ...]:
    """Return every unit of the seed in order of first appearance."""
    seen: dict[str, None] = {}
    for item in seed_items():
        seen.update(dict.fromkeys(item.units))
    return tuple(seen)


def seed_ledger() -> Ledger:
    """Return the compiled seed ledger for 2025-03 with every unit reported."""
    units = seed_units()
    return build_ledger(2025, 3, seed_items(), all_units=units, reported_units=units)


def previous_week_ledger() -> Ledger:
    """Return the seed ledger as it stood a week earlier: lower figures, two units not yet reported."""
    items = []
    for item in seed_items():
        update: dict = {}
        if item.item_id == 3:  # was still under way
            update = {
                "status": "in_progress",
                "targets": (_t("定点医疗机构", 20, "家", 12),),
                "parts": (item.parts[0].model_copy(update={"status": "in_progress"}),),
            }
        elif item.item_id == 24:  # 18 parking spaces fewer a week ago
            update = {
                "targets": (_t("停车泊位", 256, "个", 17), _t("公共充电桩", 400, "个", 399, kind="total"))
            }
        elif item.item_id == 27:
            update = {"targets": (_t("体育赛事活动", 20, "场", 1),)}
        elif item.item_id == 7:  # the fund review had not started
            update = {
                "status": "not_started",
                "parts": (item.parts[0].model_copy(update={"status": "not_started"}),),
            }
        items.append(item.model_copy(update=update))
    units = seed_units()
    missing = ("区残联", "山兴集团")
    return build_ledger(
        2025, 3, items, all_units=units, reported_units=tuple(u for u in units if u not in missing)
    )


def generated_items(n: int, *, seed: int = 6) -> list[ItemInput]:
    """Return n seed-like items (about 3.3 per category, ten seed categories' names cycled), reproducibly."""
    rng = random.Random(seed)
    base = seed_items()
    categories = sorted({(i.seq, i.category) for i in base})
    items: list[ItemInput] = []
    for k in range(n):
        model = base[k % len(base)]
        seq = k * 10 // 33 + 1
        _, category = categories[(seq - 1) % len(categories)]
        targets = tuple(
            t.model_copy(
                update={"achieved": round(rng.uniform(0, t.value * 0.6), 1) if rng.random() < 0.8 else None}
            )
            for t in model.targets
        )
        status = "completed" if rng.random() < 0.05 else model.status
        items.append(
            model.model_copy(
                update={
                    "item_id": k + 1,
                    "seq": seq,
                    "category": f"{category}（{seq}）" if seq > 10 else category,
                    "content": f"{model.content}（第{k + 1}项）",
                    "targets": targets,
                    "status": status,
                    "parts": (model.parts[0].model_copy(update={"status": status}),),
                }
            )
        )
    return items


def generated_ledger(n: int) -> Ledger:
    """Return a compiled 2025-03 ledger of n generated items with every tenth unit missing."""
    items = generated_items(n)
    units = tuple(dict.fromkeys(u for i in items for u in i.units))
    return build_ledger(
        2025, 3, items, all_units=units, reported_units=tuple(u for k, u in enumerate(units) if k % 10)
    )
