"""Item status from a progress text: not_started / preparing / in_progress / completed."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from functools import cache

from nlp.numerals import normalize
from nlp.types import Status, Target

# Compounds whose delivery-sounding word names a preparatory document or step.
PREP_COMPOUNDS = (
    r"(?:施工|实施|建设|设计|改造|安装|工作|整改|推进|招标|采购|项目|运营)(?:方案|计划|合同|图纸?|许可|招标|预算|单位招标|清单)"
    r"|施工图|施工许可|招标|勘察设计|方案设计|配送名单"
    r"|(?:确定|核定|鉴定|确认|锁定|明确)[^，,。；;]{0,6}?(?:对象|名单|点位|户数|清单|村|户)"
)
PREP = (
    r"方案|规划|设计|审批|批复|立项|可研|评审|评估|招投标|招标|投标|挂网|采购|合同|签订|签约|通知|印发|名单|摸底|调研|"
    r"排查|摸排|选址|勘察|测绘|筹备|前期|申报|申请|上报|报送|预算|论证|征求|公示|谋划|对接|部署|遴选|审核|报批|拟定|"
    r"制定|编制|磋商|谈判|招商|准备|清单|资金|协调|研究|会议|动员|启动会|询价|比选|中标|挂牌|公告|备案|核实|统计|规划|"
    r"调查|普查|勘测|测量|征收|征迁|用地|土地手续|手续|报审|送审|鉴定|下达|分解|环评|能评|稳评|安评|已批|批了|批下来|地勘"
)
DELIVER = (
    r"施工|开工|动工|进场|建设中|在建|铺设|安装|改造|新增|累计|举办|发放|培训|照护|关爱|救助|惠及|"
    r"绿化|主体|封顶|装修|投放|开通|上线|运行|接入|新建|建成|完工|招聘|就业|吸纳|提供|入驻|运营|硬化|浇筑|"
    r"铣刨|拆除|搬迁|安置|清运|整治|修缮|维修|实施.{0,6}(?:建设|工程)|推进.{0,12}建设|装了|建了|修了|"
    r"[做弄搞干装]完|[做弄搞装建修]好|建设|服务|活动|演出|赛事|开展.{0,8}(?:活动|服务|培训|演出|赛)|改扩建|完成\d|完成[一二两三四五六七八九十]|"
    r"平整|清表|形象进度|工程进度"
)
COMPLETE = (
    r"全部完成|全面完成|已?完成全年|完成年度(?:目标)?任务|完成(?:全年|年度)(?:目标|任务|计划)|已?完工|已?竣工|"
    r"投入(?:试)?(?:使用|运营|运行|生产)|(?:完成|通过)[^，,。；;\d]{0,4}验收|投产|"
    r"投入使用|交付使用|投用|已建成|全部建成|"
    r"已办结|已全覆盖|实现全覆盖|已完成建设|建设完成|已通车|已验收|通过验收|全部到位|已结束|圆满完成|都弄完|搞定|"
    r"都完成|全完成|都装好|弄完了|干完了|做完了|完事|全部[^，,。\d]{0,4}(?:到位|完成|完工|建成|装完|装好|建好|修好|投用|开业|开放)|"
    r"都[^，,。\d]{0,3}(?:开业|开放|投用|完工|建成|装完|弄完)了|"
    # 已正式开园 / 正式通航 / 正式开业: a facility opened is the item delivered
    r"正式(?:开园|开业|通航|通车|运营|运行|启用|投运|开诊|开馆|开放)|已(?:开园|启用|投运)|"
    r"(?:全部|都)[改修建铺装]完了"
)
NOT_STARTED = (
    r"未启动|尚未启动|未开工|尚未开工|没开工|还没开工|还没开始|没开始|未开始|尚未开始|还没动|没动|未开展|尚未开展|"
    r"暂未|还未|没有启动|还没有|未实施|尚未实施"
)
# A reply with no news says nothing about the status: the item keeps the one it had.
NO_NEWS = (
    r"(?:暂无|尚无|没有|无|没)(?:新增|新的?|明显|实质性?的?|什么|啥)?(?:进展|进度|变化)"
    r"|(?:进展|进度|情况)?(?:同上月|与上月(?:相同|一致))"
)
NEGATED_STEP = r"(?:尚未|暂未|还未|未能|没有|还没有?|未)(?!完成|完工|全部)"
DONE_AMOUNT = r"(?:完成|建成|实现)[^，,。；;\d]{1,10}?\d+(?:\.\d+)?\s*(?:万|千)?[^\d\s%，,。；;]"
NEGATION = r"(?:未|尚未|没|没有|还没|还没有|暂未|不|并未|无法|难以|尚需|还需|待)"
PHASE = r"主体|土建|路基|路面|基础|桩基|土方|结构|钢结构|二次结构|封顶|电气|管道|设计|评估|评审|招标|方案|前期|采购|合同|预算"
# Waiting for something (要等政策出来, 就等验收; never 等 as "and so on"): what is awaited tells more below.
WAIT = r"(?:^\s*(?:还|仍|只能|就)?在?|要|需|得)等(?:待|着)?(?![等级])"
PLAN = (
    r"(?<![的生作购施设资度按据照为])计划(?![书表已的])|(?<![按根据照])拟(?!定)|预计|将于|准备|打算|下一步|下步|"
    r"下月|下个月|下周|下星期|过几天|下阶段|争取|力争|近期将|即将|年内将|"
    r"待[^，,。；;\d]{1,20}?后|"  # 待省级补助资金下达后组织实施: a condition, not a step taken
    + WAIT  # 还没启动，要等政策出来: waited for, not done
    + r"|"
    r"原定|原计划|"  # 原定6月开工，推迟到四季度: what was planned, not what happened
    r"估计(?=[^，,。；;]{0,4}(?:明年|下月|下个月|年底|月底|下周|\d{1,2}月))"  # 估计明年3月动工: a forecast
)


# Delivery still going on: the item is not done, whatever part of it is.
ONGOING = (
    r"(?:还在|仍在|正在|尚在)(?:进行|抓紧|加紧|全力)?(?:施工|建设|安装|铺设|改造|实施|推进建设)"
    r"|还差\s*\d|还剩\s*\d|剩余\s*\d|剩下\s*\d"  # 护岸还差500米: work left
)
# An approval awaited is a preparatory step under way.
APPROVAL = r"批|审批|审核|评审|批复|招标|开标|签约|签合同"
# Words that only say something was finished: delivery unless what was finished is a preparatory step.
FINISHED = r"[做弄搞干装]完|[做弄搞装建修]好"


@cache
def _re(pattern: str) -> re.Pattern[str]:
    return re.compile(pattern)


def _mask_titles(text: str) -> str:
    """Replace document titles (《…》) by a neutral word: their words are not what happened."""
    return _re(r"《[^》]{0,80}》").sub("文件", text)


def sentences(text: str) -> list[str]:
    """Split a text into sentences at 。；！？ and line breaks."""
    return [s for s in _re(r"[。；;!！?？\n]+").split(text) if s.strip()]


# A date said with a step (2025年9月1日 / 11月28号 / 9月底): when it happened, not how many were done.
DATE = r"(?:\d{2,4}年)?\d{1,2}月(?:\d{1,2}[日号])?(?:底|初|中旬|上旬|下旬)?"  # never a bare 5号: 5号楼
CLAUSE_SPLIT = r"[，,：:]|(?<=[\u4e00-\u9fff])\s+(?=[^\d\s一二两三四五六七八九十百千万])"
HEDGE = r"(?:基本|基本上|大体|大部分|部分|大致|初步|接近|即将|快要?|差不多)$"


WHOLE = r"全部|全面|整体|所有|各项|均|都|全|整个|目标|[0-9]"
ITEM = (
    r"(?:该|本|此|整个)?(?:项目|工程|任务)?(?:建设)?(?:项目|工程|任务)?"  # 项目 / 本工程 / 建设任务: the item
)
ADVERBS = r"(?:已经|已|均|都|现已|目前|正式|顺利|按期|如期|提前|超额|并)+$"


def _sub_task(before: str, content: str) -> bool:
    """内外墙抹灰已经完成 / 土地摘牌工作已完成: the done thing is neither the item nor named in its content."""
    subject = _re(ADVERBS).sub("", before.strip())
    if not content or len(subject) < 2 or _re(WHOLE).search(subject) or _re(ITEM).fullmatch(subject):
        return False
    text = _re(r"[\d.]+").sub("", content)
    named = {text[i : i + 2] for i in range(len(text) - 1)} - {
        *("建设", "完成", "工作", "改造", "提升", "实施", "工程", "项目", "任务"),
    }
    return not any(subject[i : i + 2] in named for i in range(len(subject) - 1))


def _claims_done(sentence: str, content: str = "") -> bool:
    for clause in _re(CLAUSE_SPLIT).split(sentence):
        if _re(PLAN).search(clause):
            continue
        for m in _re(COMPLETE + r"|已?完成(?:了|啦)?$").finditer(clause.strip(" 。!！~～")):
            before = clause[: m.start()]
            if _re(NEGATION + r"$").search(before) or _re(
                r"(?:" + PHASE + r")(?:工程|施工|部分)?[^，,]{0,3}$"
            ).search(before):
                continue
            if _re(HEDGE).search(before.rstrip("已经")):
                continue  # 主体工程已基本完成: nearly, not done
            counted = _re(DATE).sub("", before)  # 9月1日已正式开园: a date is not a count
            if _re(r"\d|[一二两三四五六七八九十]\s*[个处座条户家所项]").search(counted) and not _re(
                r"全部|均|都|全"
            ).search(before):
                continue  # 1座已完工: one part done, not the item
            if _sub_task(before, content):
                continue
            after = clause[m.end() :]
            if _re(
                r"\d|[一二两三四五六七八九十]+\s*[成个处座条户家所项]|百分之|前期|设计|方案|招标|采购"
            ).search(after):
                continue
            return True
    return False


def claims_done(progress: str, content: str = "") -> bool:
    """Tell whether the text declares the whole item done (全部完成 / 已竣工 / 投入使用), not negated."""
    text = _mask_titles(normalize(progress or ""))
    return any(_claims_done(_re(PREP_COMPOUNDS).sub("方案", s), content) for s in sentences(text))


def _drop_not_started(sent: str) -> str:
    """Cut 暂未开工 with what it is said of (健身步道建设尚未启动): neither part is delivery. A subject holding
    a step already taken (已完成招标，尚未开工 / 招标已完成但未开工) keeps that step."""
    pattern = r"(?P<subject>[^，,。；;\s]*?)(?:" + NOT_STARTED + r")[^，,。；;\s]*"

    def cut(m: re.Match[str]) -> str:
        return m.group("subject") if _re(r"已|完成").search(m.group("subject")) else ""

    return _re(pattern).sub(cut, sent)


def classify_status(
    progress: str,
    links_complete: bool | None = None,
    *,
    shortfall: bool | None = None,
    content: str = "",
    previous: Status | None = None,
) -> Status:
    """Classify an item's status from its progress text and links: ``links_complete`` says every target is
    reached, ``shortfall`` that a linked target is below (default: not ``links_complete``). A reply with no
    news keeps ``previous``; a completion said of something the content does not name is a sub-task."""
    text = _mask_titles(normalize(progress or "")).strip()
    if not text:
        return previous or "not_started"
    if shortfall is None:
        shortfall = links_complete is False
    prep = deliver = done = not_started = intent = no_news = ongoing = False
    for raw in sentences(text):
        sent = _re(PREP_COMPOUNDS).sub("方案", raw)
        if _re(NO_NEWS).search(sent):
            no_news = True
            sent = _re(r"(?:本月|本期|当月|这个月|目前|截至目前|暂时)?" + NO_NEWS).sub("", sent)
        if _re(NOT_STARTED).search(sent):
            not_started = True
            sent = _drop_not_started(sent)
        if _claims_done(sent, content):
            done = True
        if _re(ONGOING).search(sent):
            ongoing = True  # 篮球场全部完成，足球场还在施工: one part done, another still being built
        for whole in _re(CLAUSE_SPLIT).split(sent):
            clause = whole
            plan = _re(PLAN).search(clause)
            if plan and not _re(r"已|目前|现已|累计|正在").search(clause):
                waiting, awaited = _re(WAIT).fullmatch(plan.group().strip()), clause[plan.end() :]
                if waiting and _re(r"验收").search(awaited):
                    continue  # 都换完了，就等验收: done; the acceptance still to come does not undo it
                if waiting and _re(APPROVAL).search(awaited):
                    prep = True  # 在等交警队那边批: an approval awaited is a preparatory step under way
                intent = True
                # 已挂网招标，计划4月开工 / 招标挂网了下周开标: the plan is not what happened
                clause = clause[: plan.start()]
            if _re(NEGATED_STEP).search(clause) and not _re(r"正在|正|已").search(clause):
                continue  # 资金尚未到位: a step not taken says nothing
            if any(
                not _re(r"[^、，,和及与]{0,10}?(?:" + PREP + ")").match(clause, d.end())
                and not (_re(FINISHED).fullmatch(d.group()) and _re(PREP).search(clause, 0, d.start()))
                for d in _re(DELIVER).finditer(clause)
            ):
                deliver = True  # 改造工程可研编制 / 施工图做完了: the delivery word is a preparatory step's
            elif any(
                not _re(PREP).search(clause, d.start(), d.end() + 12)
                for d in _re(DONE_AMOUNT).finditer(clause)
            ):
                deliver = True  # 完成土地平整1.1万亩: an amount of work done
            if _re(PREP).search(clause):
                prep = True
    if links_complete:
        return "completed"
    if done and not shortfall and not ongoing:
        return "completed"
    if deliver or links_complete is not None:
        return "in_progress"
    if no_news and not (prep or not_started or intent):
        return previous or "not_started"  # 本月暂无新进展: the item keeps its status
    if prep:
        return "preparing"
    if not_started or intent:
        return "not_started"
    if _re(r"^(?:无|暂无|没有|否|无。|/|—|-)$").match(text):
        return "not_started"
    return "in_progress"


def reached(targets: Sequence[Target], achieved: Mapping[int, float]) -> set[int]:
    """Return the targets whose achieved figure reaches their value."""
    return {i for i, v in achieved.items() if v >= targets[i].value * 0.9999}


def status_from_figures(
    progress: str,
    targets: Sequence[Target],
    achieved: Mapping[int, float],
    *,
    content: str,
    previous: Status | None = None,
) -> Status:
    """Return the status of a reply given the figures taken from it (target index → achieved): the parser's
    own and, once a contact answered a question that changed them, the dialogue's final ones."""
    done = reached(targets, achieved)
    links_complete = None if not achieved else len(done) == len(targets)
    # a linked count or measure below its target is work left; money spent below budget is not
    shortfall = any(i not in done and targets[i].unit != "元" for i in achieved)
    return classify_status(progress, links_complete, shortfall=shortfall, content=content, previous=previous)
