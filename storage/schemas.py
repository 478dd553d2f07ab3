"""Frozen DTOs that repositories return; ORM rows never leave the storage package."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class LedgerInfo(_Frozen):
    """A ledger's identity and title."""

    id: int
    name: str
    title: str
    year: int
    subject: str
    columns: tuple[tuple[str, str], ...] | None = (
        None  # the file's (title, concept) in order; None: the seed's
    )

    @field_validator("columns", mode="before")
    @classmethod
    def _columns(cls, value: object) -> object:
        return None if value is None else tuple(tuple(c) for c in value)  # type: ignore[attr-defined]


class UnitInfo(_Frozen):
    """A unit with its aliases."""

    id: int
    name: str
    aliases: tuple[str, ...] = ()


class TargetInfo(_Frozen):
    """A target of an item."""

    idx: int
    name: str
    value: float
    unit: str
    kind: str


class ItemInfo(_Frozen):
    """An item with its category, units (lead first) and targets."""

    id: int
    ledger_id: int
    position: int
    seq: int
    category: str
    content: str
    units: tuple[str, ...]
    targets: tuple[TargetInfo, ...] = ()
    span_start: date | None = None
    span_end: date | None = None
    extra: dict[str, str] = Field(default_factory=dict)  # the file's other columns by title

    @property
    def number(self) -> int:
        """Return the 1-based number of the item in the ledger."""
        return self.position


class PeriodInfo(_Frozen):
    """A reporting period."""

    id: int
    ledger_id: int
    code: str
    year: int
    month: int
    state: str
    deadline: datetime | None = None
    opened_at: datetime
    closed_at: datetime | None = None


class SubmissionInfo(_Frozen):
    """One revision of a unit's report on an item."""

    id: int
    period_id: int
    period_code: str = ""
    item_id: int
    unit: str
    revision: int
    progress: str
    problems: str
    plan: str
    status: str
    achieved: dict[int, float] = Field(default_factory=dict)
    skipped: bool = False
    source: str
    author: str
    inbox_id: int | None = None
    review: str
    review_reason: str = ""
    reviewed_by: str = ""
    created_at: datetime


class NewSubmission(_Frozen):
    """What a handler or the importer files; the repository assigns the revision."""

    period_id: int
    item_id: int
    unit: str = ""
    progress: str = ""
    problems: str = ""
    plan: str = ""
    status: str = "in_progress"
    achieved: dict[int, float] = Field(default_factory=dict)
    skipped: bool = False
    source: str = "chat"
    author: str = ""
    inbox_id: int | None = None


class ContactInfo(_Frozen):
    """A person's role on a platform (and unit, for a contact)."""

    id: int
    platform: str
    user_id: str
    display_name: str
    role: str
    unit: str = ""
    chat_id: str = ""


class InviteInfo(_Frozen):
    """A binding code."""

    code: str
    role: str
    unit: str
    expires_at: datetime
    used_at: datetime | None = None


class GroupInfo(_Frozen):
    """A registered group chat."""

    id: int
    platform: str
    chat_id: str
    name: str


class InboxEntry(_Frozen):
    """A stored raw message."""

    id: int
    platform: str
    message_id: str
    chat_id: str
    user_id: str
    kind: str
    text: str
    state: str
    received_at: datetime
    attachment_name: str | None = None
    attachment_type: str | None = None
    attachment_data: bytes | None = None

    @property
    def attachment(self) -> tuple[str, str, bytes] | None:
        """The kept file as (name, media type, bytes); None when none was kept or it was cleared."""
        if self.attachment_data is None:
            return None
        return (
            self.attachment_name or "file",
            self.attachment_type or "application/octet-stream",
            self.attachment_data,
        )


class StoredConversation(_Frozen):
    """A conversation row as loaded, with its version for the save check."""

    flow: str
    step: str
    data: dict
    expires_at: datetime | None
    version: int


class AuditEntry(_Frozen):
    """One administrative act from the audit log."""

    id: int
    at: datetime
    actor: str
    action: str
    detail: str


class ImportInfo(_Frozen):
    """A ledger file kept for an import: its bytes and what became of it."""

    id: int
    filename: str
    data: bytes
    author: str
    state: str  # pending | applied | cancelled | undone | refused
    ledger: str | None = None
    period: str | None = None
    submission_ids: list[int] | None = None
    before: dict | None = None  # the ledger's structure before the import (see handlers/ledger/imports.py)
    created_at: datetime
    applied_at: datetime | None = None
