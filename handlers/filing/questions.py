"""The questions 填报 asks when unsure of a reply, and reading which of their choices the contact picked."""

from __future__ import annotations

from handlers import filing_texts
from handlers.filing.view import scaled
from storage.schemas import ItemInfo

FIGURE_KINDS = frozenset(["bare_number", "other_measure", "two_figures", "share"])  # answered by a figure
CHECK_KINDS = frozenset(["decrease", "over_target", "claim_below_target"])  # a sum's figures offered first


def clarifying_question(item: ItemInfo, amb: dict, draft: dict) -> tuple[str, tuple[str, ...]]:
    """Return the question for the first open doubt about a reply, and the choices that answer it."""
    targets = {t.idx: t for t in item.targets}
    t = targets.get(amb["target"]) if amb.get("target") is not None else None
    name, unit = (t.name, t.unit) if t else ("", "")
    if amb["kind"] == "which_target" and amb.get("candidates"):
        unit = targets[amb["candidates"][0]].unit
    value = scaled(amb.get("value"), unit)
    kind = amb["kind"]
    if kind in FIGURE_KINDS:
        ask = filing_texts.ASK_TWO_FIGURES if kind == "two_figures" else filing_texts.ASK_FIGURE
        target = scaled(t.value if t else None, unit)
        question = ask.format(evidence=amb.get("evidence", ""), name=name, target=target, unit=unit)
        offers = tuple(
            filing_texts.CHOICE_RECORD.format(value=scaled(v, unit), unit=unit)
            for v in amb.get("options", ())
        )
        return question, (*offers, *filing_texts.CHOICES_NOT_RECORDED)
    if kind == "increment_or_total":
        previous = draft["previous"].get(str(amb.get("target")))
        return (
            filing_texts.ASK_INCREMENT_OR_TOTAL.format(
                value=value, unit=unit, name=name, previous=scaled(previous, unit)
            ),
            filing_texts.CHOICES_INCREMENT_OR_TOTAL,
        )
    if kind == "which_target":
        options = tuple(targets[i].name for i in amb.get("candidates", ()) if i in targets)
        return filing_texts.ASK_WHICH_TARGET.format(value=value, unit=unit), options
    if kind in CHECK_KINDS:
        parts: tuple[float, ...] = tuple(amb.get("options", ()))
        summed = filing_texts.SUM_OF_PARTS.format(evidence=amb.get("evidence", "")) if parts else ""
        fields = {"name": name, "value": value, "unit": unit, "summed": summed}
        offers = tuple(filing_texts.CHOICE_RECORD.format(value=scaled(v, unit), unit=unit) for v in parts)
        return _check(kind, fields, t.value if t else None, draft, amb), (
            *offers,
            *filing_texts.CHOICES_CONFIRM_VALUE,
        )
    raise ValueError(f"no question for a doubt of kind {kind}")


def _check(kind: str, fields: dict[str, str], target: float | None, draft: dict, amb: dict) -> str:
    """Return a check of a figure read: a decrease, far over the target, below a claimed completion."""
    unit = fields["unit"]
    if kind == "decrease":
        previous = draft["previous"].get(str(amb.get("target")))
        return filing_texts.ASK_DECREASE.format(**fields, previous=scaled(previous, unit))
    if kind == "over_target":
        return filing_texts.ASK_OVER_TARGET.format(**fields, target=scaled(target, unit))
    return filing_texts.ASK_CLAIM_BELOW.format(**fields, target=scaled(target, unit))


def recorded(amb: dict, answer: str, choices: tuple[str, ...]) -> float | None:
    """Return the figure a choice of a FIGURE_KINDS question records (None for 不记数)."""
    options = list(amb.get("options", ()))
    at = choices.index(answer)
    return float(options[at]) if at < len(options) else None


def pick_choice(text: str, choices: tuple[str, ...]) -> str | None:
    """Return the choice the contact picked: its number, its words, or a common short form (对, 累计…)."""
    text = text.strip().rstrip("。.!！")
    if text.isdigit() and 1 <= int(text) <= len(choices):
        return choices[int(text) - 1]
    for c in choices:
        if text == c:
            return c
    aliases = {
        "对": "确认",
        "是": "确认",
        "好": "确认",
        "ok": "确认",
        "确定": "确认",
        "没问题": "确认",
        "确认无误": "确认无误",
        "新增": "本月新增",
        "累计": "累计总数",
        "总数": "累计总数",
    }
    mapped = aliases.get(text.lower())
    if mapped in choices:
        return mapped
    if mapped == "确认" and "确认无误" in choices:
        return "确认无误"
    return None


def is_choice(text: str, choice: str) -> bool:
    """Return True when the text is exactly ``choice`` (or its slash command)."""
    return text.strip().rstrip("。") == choice or (text.strip().lower() == "/skip" and choice == "跳过")
