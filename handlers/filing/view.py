"""How the collection dialogue shows items, what it understood, and what was filed (pure formatting)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from handlers import filing_texts, texts
from handlers.dates import moment_text
from reports.figures import item_ref, pct
from storage.schemas import ItemInfo, SubmissionInfo, TargetInfo


def num(value: float | None) -> str:
    """Return a number as people write it (no trailing .0, at most two decimals)."""
    if value is None:
        return "—"
    if float(value).is_integer():
        return f"{int(value)}"
    return f"{value:.2f}".rstrip("0").rstrip(".")


def amount(value: float | None, unit: str) -> str:
    """Return a value with its unit as people write money: 31000000 元 → 3100万元, 1e8 元 → 1亿元."""
    return f"{scaled(value, unit)}{unit}"


def pair(achieved: float | None, value: float, unit: str) -> str:
    """Return 'achieved/target unit', money scaled: 3100万/1亿元, 55/256个."""
    return f"{scaled(achieved, unit)}/{scaled(value, unit)}{unit}"


def scaled(value: float | None, unit: str) -> str:
    """Return the number part of ``amount`` (万/亿 for money)."""
    if value is None or unit != "元":
        return num(value)
    for scale, word in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= scale:
            return num(round(value / scale, 4)) + word
    return num(value)


def target_line(targets: tuple[TargetInfo, ...]) -> str:
    """Return '停车泊位256个（新增）；公共充电桩400个（总数）'."""
    return "；".join(
        filing_texts.TARGET_FMT.format(
            name=t.name, amount=amount(t.value, t.unit), kind=texts.KIND_LABELS.get(t.kind, t.kind)
        )
        for t in targets
    )


def item_prompt(
    item: ItemInfo, index: int, total: int, previous: list[SubmissionInfo], current: SubmissionInfo | None
) -> str:
    """Return the text that introduces an item and asks for this month's progress."""
    lines = [
        filing_texts.ITEM_PROMPT.format(
            index=index, total=total, ref=item_ref(item.number), content=item.content
        )
    ]
    if item.targets:
        lines.append(filing_texts.ITEM_TARGETS.format(targets=target_line(item.targets)))
    for prev in previous[:1]:
        if prev.progress:
            lines.append(
                filing_texts.ITEM_LAST_PROGRESS.format(code=prev.period_code, progress=prev.progress)
            )
        if prev.plan:
            lines.append(filing_texts.ITEM_LAST_PLAN.format(plan=prev.plan))
    if current is not None and current.progress:
        lines.append(filing_texts.ITEM_CURRENT.format(revision=current.revision, progress=current.progress))
    lines.append(filing_texts.ASK_PROGRESS)
    return "\n".join(lines)


def understood(item: ItemInfo, achieved: dict[int, float], status: str, unmatched: Sequence[str] = ()) -> str:
    """Return the echo of what the bot understood from a progress text; figures of the reply that no
    target took are shown, never dropped, so the contact can correct them."""
    lines = [filing_texts.UNDERSTOOD]
    for t in item.targets:
        value = achieved.get(t.idx)
        if value is None:
            lines.append(
                filing_texts.UNDERSTOOD_TARGET_NONE.format(name=t.name, amount=amount(t.value, t.unit))
            )
        else:
            completion = pct(value / t.value) if t.value else "—"
            lines.append(
                filing_texts.UNDERSTOOD_TARGET.format(
                    name=t.name, pair=pair(value, t.value, t.unit), completion=completion
                )
            )
    if unmatched:
        lines.append(filing_texts.UNDERSTOOD_UNMATCHED.format(figures="、".join(unmatched)))
    elif item.targets and not achieved:
        lines.append(filing_texts.UNDERSTOOD_NO_NUMBER)
    lines.append(filing_texts.UNDERSTOOD_STATUS.format(status=texts.STATUS_LABELS.get(status, status)))
    return "\n".join(lines)


def redo_text(item: ItemInfo, unmatched: Sequence[str] = ()) -> str:
    """Return what 重填 says: the figures not understood last time, and how to write the item's own targets."""
    shown = [t for t in item.targets if t.unit != "%"] or list(item.targets)
    if not shown:
        return filing_texts.REDO
    why = filing_texts.REDO_WHY.format(figures="、".join(unmatched)) if unmatched else ""
    example = "，".join(
        filing_texts.EXAMPLE_FMT.format(name=t.name, value=scaled(t.value, t.unit), unit=t.unit)
        for t in shown
    )
    return filing_texts.REDO_HINT.format(why=why, example=example)


def short_summary(item: ItemInfo, achieved: dict[int, float], status: str) -> str:
    """Return a one-line summary such as '停车泊位55/256个；推进中'."""
    parts = [f"{t.name}{pair(achieved[t.idx], t.value, t.unit)}" for t in item.targets if t.idx in achieved]
    parts.append(texts.STATUS_LABELS.get(status, status))
    return "；".join(parts)


def mine_line(item: ItemInfo, sub: SubmissionInfo, now: datetime) -> str:
    """Return how one filed item shows in 我的."""
    review = texts.REVIEW_LABELS.get(sub.review, "").format(reason=sub.review_reason)
    return texts.MINE_LINE.format(
        ref=item_ref(item.number),
        revision=sub.revision,
        when=moment_text(sub.created_at, now),
        status=texts.STATUS_LABELS.get(sub.status, sub.status),
        review=review,
        progress=sub.progress or "—",
        problems=sub.problems or "—",
        plan=sub.plan or "—",
    )
