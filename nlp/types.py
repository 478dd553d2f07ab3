"""Frozen value types the parser hands to the rest of the bot."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

Kind = Literal["increment", "total", "percent"]
Status = Literal["not_started", "preparing", "in_progress", "completed"]
Basis = Literal["cumulative", "increment", "share", "unknown"]
AmbiguityKind = Literal[
    "increment_or_total",
    "which_target",
    "decrease",
    "over_target",
    "claim_below_target",
    "bare_number",  # 充电桩400: no measure word
    "other_measure",  # 3座 for a 处 target
    "two_figures",  # 充电桩380个，充电桩390个
    "share",  # 八成 / 一半 / 过半 of a target
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class Target(_Frozen):
    """One quantity an item promises to deliver."""

    name: str
    value: float
    unit: str
    kind: Kind


class Link(_Frozen):
    """The achieved value to date for one target (in the target's unit)."""

    target: int
    value: float
    basis: Basis
    evidence: str = ""


class Ambiguity(_Frozen):
    """Something the bot should ask the contact about."""

    kind: AmbiguityKind
    target: int | None
    value: float | None
    candidates: tuple[int, ...] = ()
    evidence: str = ""
    options: tuple[float, ...] = ()  # the values a contact may pick (two figures: each and their sum)


class Unmatched(_Frozen):
    """A figure the reply names, in the unit of a target left unlinked, that the parser could not place."""

    text: str
    value: float
    unit: str
    candidates: tuple[int, ...]  # the unlinked targets whose unit it converts to
    reason: str = ""  # why it was not linked (phase, start, prep …); "" when nothing explains it


class ParseResult(_Frozen):
    """What a progress text says about an item's targets."""

    targets: tuple[Target, ...]
    links: tuple[Link, ...]
    status: Status
    ambiguities: tuple[Ambiguity, ...] = ()
    unmatched: tuple[Unmatched, ...] = ()


class ReplyParts(_Frozen):
    """A reply split into progress, problems and next plan ("" when absent, "无" when none)."""

    progress: str
    problems: str
    plan: str
