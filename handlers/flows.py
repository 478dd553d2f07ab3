"""Every multi-step flow's stored name and step names.

These strings are stored in each chat's conversation row: never rename a value, add a new one instead.
The router (handlers/router.py) binds each step name to the step that answers it.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from bot.core.conversation import ConversationState

FILING = "report"  # 填报; stored as "report" since the first release
UNBIND = "unbind"  # 解绑 when a contact has several units


class FilingStep(StrEnum):
    """The steps of 填报: choose a unit, then per item progress → (clarify) → confirm → problems → plan."""

    CHOOSE_UNIT = "choose_unit"
    PROGRESS = "progress"
    CLARIFY = "clarify"
    CONFIRM = "confirm"
    PROBLEMS = "problems"
    PLAN = "plan"
    NUMBERED = "numbered"  # a numbered reply whose numbers may be figures: items, or the current item's?


class UnbindStep(StrEnum):
    """The one step of 解绑 for a contact of several units."""

    CHOOSE_UNIT = "choose_unit"


def filing_at(step: FilingStep, data: dict[str, Any]) -> ConversationState:
    """Return the state of a chat at ``step`` of 填报 with ``data``."""
    return ConversationState(flow=FILING, step=step.value, data=data)


def unbind_at(step: UnbindStep, data: dict[str, Any]) -> ConversationState:
    """Return the state of a chat at ``step`` of 解绑 with ``data``."""
    return ConversationState(flow=UNBIND, step=step.value, data=data)


QUERY = "query"  # a question was just answered: the next message may refer to it (expires after minutes)


class QueryStep(StrEnum):
    """The one step after an answer: a follow-up ("那卫健局呢", "第二个") or anything else."""

    FOLLOW = "follow"


def query_at(step: QueryStep, data: dict[str, Any]) -> ConversationState:
    """Return the state of a chat that may ask a follow-up to the question in ``data``."""
    return ConversationState(flow=QUERY, step=step.value, data=data)


UPLOAD = "upload"  # 上传台账: a kept file waiting for 确认/取消


class UploadStep(StrEnum):
    """上传台账: the kept file is read (READING), its preview shown (CONFIRM), then read again and imported
    (APPLYING). READING and APPLYING last while the worker reads, outside the message's transaction."""

    READING = "reading"
    CONFIRM = "confirm"
    APPLYING = "applying"


def upload_at(step: UploadStep, data: dict[str, Any]) -> ConversationState:
    """Return the state of a chat at ``step`` of 上传台账 with ``data``."""
    return ConversationState(flow=UPLOAD, step=step.value, data=data)


OPEN_PERIOD = "open_period"  # 开启报送 while another period is open: waiting for 确认/取消


class OpenPeriodStep(StrEnum):
    """The one step of 开启报送 while another period is open: 确认 opens it too, 取消 leaves it."""

    CONFIRM = "confirm"


def open_period_at(step: OpenPeriodStep, data: dict[str, Any]) -> ConversationState:
    """Return the state of a chat asked to confirm opening a second period, with ``data``."""
    return ConversationState(flow=OPEN_PERIOD, step=step.value, data=data)
