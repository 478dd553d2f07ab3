"""The ORM tables (SQLAlchemy 2.0 typed mapping); rows never leave the storage package."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from storage.types import UtcDateTime


class Base(DeclarativeBase):
    """Declarative base for every table."""


class LedgerRow(Base):
    """A ledger (台账) such as 2025年民生实事."""

    __tablename__ = "ledgers"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    title: Mapped[str] = mapped_column(String(300))
    year: Mapped[int] = mapped_column(Integer)
    subject: Mapped[str] = mapped_column(String(100), default="民生实事")
    # The file's own columns in order, [[title, concept], ...]; None: the seed's seven (DEFAULT_LAYOUT).
    columns: Mapped[list | None] = mapped_column(JSON, nullable=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class CategoryRow(Base):
    """A category (目标任务) with its 序号."""

    __tablename__ = "categories"
    __table_args__ = (UniqueConstraint("ledger_id", "seq"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    seq: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))


class UnitRow(Base):
    """A responsible unit (责任单位)."""

    __tablename__ = "units"
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    aliases: Mapped[list[UnitAliasRow]] = relationship(cascade="all, delete-orphan", lazy="selectin")


class UnitAliasRow(Base):
    """Another name of a unit (卫健局 → 区卫健局)."""

    __tablename__ = "unit_aliases"
    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(100), unique=True)


class ItemRow(Base):
    """An item (具体项目内容) of a category."""

    __tablename__ = "items"
    __table_args__ = (UniqueConstraint("ledger_id", "position"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    category_id: Mapped[int] = mapped_column(ForeignKey("categories.id"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    content: Mapped[str] = mapped_column(Text)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    span_start: Mapped[date | None] = mapped_column(Date, nullable=True)
    span_end: Mapped[date | None] = mapped_column(Date, nullable=True)
    # Cells of the file's other columns (责任领导, 完成时限, 备注 …) by the column's title.
    extra: Mapped[dict | None] = mapped_column(JSON, nullable=True)


class ItemUnitRow(Base):
    """The link of an item to a unit: the lead unit first, then co-operating ones."""

    __tablename__ = "item_units"
    __table_args__ = (UniqueConstraint("item_id", "unit_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    role: Mapped[str] = mapped_column(String(10))  # lead | co
    position: Mapped[int] = mapped_column(Integer)


class TargetRow(Base):
    """A quantified target of an item (新增停车泊位256个)."""

    __tablename__ = "targets"
    __table_args__ = (UniqueConstraint("item_id", "idx"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    idx: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(200))
    value: Mapped[float] = mapped_column(Float)
    unit: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))


class PeriodRow(Base):
    """A reporting period (报送期), one month of a ledger."""

    __tablename__ = "periods"
    __table_args__ = (UniqueConstraint("ledger_id", "code"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    ledger_id: Mapped[int] = mapped_column(ForeignKey("ledgers.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    year: Mapped[int] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(String(10), default="open")  # open | closed
    deadline: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    opened_at: Mapped[datetime] = mapped_column(UtcDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SubmissionRow(Base):
    """One revision of a unit's report on an item for a period; revisions are never overwritten."""

    __tablename__ = "submissions"
    __table_args__ = (UniqueConstraint("period_id", "item_id", "unit_key", "revision"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    period_id: Mapped[int] = mapped_column(ForeignKey("periods.id", ondelete="CASCADE"), index=True)
    item_id: Mapped[int] = mapped_column(ForeignKey("items.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    unit_key: Mapped[str] = mapped_column(String(100), default="")  # unit name, "" for a joint text
    revision: Mapped[int] = mapped_column(Integer)
    progress: Mapped[str] = mapped_column(Text, default="")
    problems: Mapped[str] = mapped_column(Text, default="")
    plan: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20))
    achieved: Mapped[dict] = mapped_column(JSON, default=dict)  # target idx (str) -> cumulative value
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(20))  # import | chat | coordinator
    author: Mapped[str] = mapped_column(String(200), default="")
    inbox_id: Mapped[int | None] = mapped_column(ForeignKey("inbox.id"), nullable=True)
    review: Mapped[str] = mapped_column(String(10), default="submitted")  # submitted | accepted | returned
    review_reason: Mapped[str] = mapped_column(Text, default="")
    reviewed_by: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class ContactRow(Base):
    """A person on a platform with a role, bound to a unit when a contact."""

    __tablename__ = "contacts"
    __table_args__ = (UniqueConstraint("platform", "user_id", "role", "unit_key"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100))
    display_name: Mapped[str] = mapped_column(String(200), default="")
    role: Mapped[str] = mapped_column(String(20))  # admin | coordinator | contact | viewer
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    unit_key: Mapped[str] = mapped_column(String(100), default="")
    chat_id: Mapped[str] = mapped_column(String(100), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InviteRow(Base):
    """A one-time binding code for a unit (or a role)."""

    __tablename__ = "invites"
    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(20), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), nullable=True)
    created_by: Mapped[str] = mapped_column(String(200), default="")
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    used_by: Mapped[str] = mapped_column(String(200), default="")


class GroupRow(Base):
    """A group chat registered for summaries."""

    __tablename__ = "groups"
    __table_args__ = (UniqueConstraint("platform", "chat_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    name: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class InboxRow(Base):
    """A raw incoming message, stored verbatim before it is parsed."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("platform", "message_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    message_id: Mapped[str] = mapped_column(String(200))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    sent_at: Mapped[datetime] = mapped_column(UtcDateTime())
    received_at: Mapped[datetime] = mapped_column(UtcDateTime())
    state: Mapped[str] = mapped_column(String(10), default="received")  # received | handled | failed | later
    error: Mapped[str] = mapped_column(Text, default="")
    # A file sent with the message (at most one; within the upload limit): its bytes are kept until the
    # message is handled, so recovery rebuilds it whole; the name and type stay.
    attachment_name: Mapped[str | None] = mapped_column(Text, nullable=True)
    attachment_type: Mapped[str | None] = mapped_column(Text, nullable=True)
    attachment_data: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)


class ConversationRow(Base):
    """Where a chat stands in a dialogue, with a version for optimistic locking."""

    __tablename__ = "conversations"
    __table_args__ = (UniqueConstraint("platform", "chat_id", "user_id"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    chat_id: Mapped[str] = mapped_column(String(100))
    user_id: Mapped[str] = mapped_column(String(100))
    flow: Mapped[str] = mapped_column(String(50), default="")
    step: Mapped[str] = mapped_column(String(50), default="")
    data: Mapped[dict] = mapped_column(JSON, default=dict)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    version: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())


class DispatchRow(Base):
    """A scheduled posting keyed by (job, fire time): a second run for the same time posts nothing."""

    __tablename__ = "dispatch_log"
    __table_args__ = (UniqueConstraint("job", "fire_time"),)
    id: Mapped[int] = mapped_column(primary_key=True)
    job: Mapped[str] = mapped_column(String(50))
    fire_time: Mapped[str] = mapped_column(String(40))
    posted: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class OutboxRow(Base):
    """An outbound message that could not be delivered yet; retried until sent."""

    __tablename__ = "outbox"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20), index=True)
    chat_id: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict] = mapped_column(JSON)
    error: Mapped[str] = mapped_column(Text, default="")
    attempts: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    # A worker retrying a row holds it until then, so several processes never send it twice.
    claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)
    dead_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class StampRow(Base):
    """A counter bumped by every change of one kind of data, so processes know their cached copy is stale."""

    __tablename__ = "stamps"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    value: Mapped[int] = mapped_column(Integer, default=0)


class BindFailureRow(Base):
    """A wrong 绑定 code, kept to lock out guessing (a user and the chat it came from)."""

    __tablename__ = "bind_failures"
    id: Mapped[int] = mapped_column(primary_key=True)
    platform: Mapped[str] = mapped_column(String(20))
    user_id: Mapped[str] = mapped_column(String(100), index=True)
    chat_id: Mapped[str] = mapped_column(String(100), index=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime())


class AuditRow(Base):
    """An administrative act (period, review, import, role, binding, invite, backup), never edited."""

    __tablename__ = "audit_log"
    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(50))
    detail: Mapped[str] = mapped_column(Text, default="")


class ImportRow(Base):
    """A ledger file sent to be imported: its bytes, and what became of it (pending, applied, cancelled, undone, refused)."""

    __tablename__ = "ledger_imports"
    id: Mapped[int] = mapped_column(primary_key=True)
    filename: Mapped[str] = mapped_column(String(300))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    author: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(20), default="pending", index=True)
    ledger: Mapped[str | None] = mapped_column(String(200), nullable=True, index=True)
    period: Mapped[str | None] = mapped_column(String(7), nullable=True)
    submission_ids: Mapped[list | None] = mapped_column(JSON, nullable=True)  # revisions the import added
    before: Mapped[dict | None] = mapped_column(JSON, nullable=True)  # the ledger's structure before it
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime(), nullable=True)


class SendRateRow(Base):
    """The next free send slot of a platform (seconds since the epoch, the database server's clock)."""

    __tablename__ = "send_rates"
    name: Mapped[str] = mapped_column(String(50), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float)
