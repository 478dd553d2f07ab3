"""Statements run for every chat message, built once on first use with bound parameters.

Building a select or update and computing its cache key costs more than running it on SQLite; these are
plain Core statements on the tables (no ORM identity map to synchronise), reused for every message.
"""

from __future__ import annotations

from functools import cache

from sqlalchemy import bindparam, func, select, update

from storage.models import ContactRow, ConversationRow, InboxRow, PeriodRow, SubmissionRow
from storage.sql import insert_for, table_of

_inbox = table_of(InboxRow)
_conversations = table_of(ConversationRow)
_contacts = table_of(ContactRow)
_submissions = table_of(SubmissionRow)
_periods = table_of(PeriodRow)


@cache
def insert_inbox_quiet(dialect: str):
    """INSERT raw messages (executemany) unless their (platform, message id) is stored; nothing returned."""
    names = (
        "platform",
        "message_id",
        "chat_id",
        "user_id",
        "kind",
        "text",
        "sent_at",
        "received_at",
        "attachment_name",
        "attachment_type",
        "attachment_data",
    )
    return (
        insert_for(dialect)(_inbox)
        .values({n: bindparam(f"p_{n}") for n in names} | {"state": "received", "error": ""})
        .on_conflict_do_nothing(index_elements=["platform", "message_id"])
    )


@cache
def insert_inbox(dialect: str):
    """INSERT one raw message unless stored; RETURNING its id (nothing when it was stored before)."""
    return insert_inbox_quiet(dialect).returning(_inbox.c.id)


@cache
def inbox_states():
    """SELECT id, message id and state of several stored raw messages of a platform."""
    return select(_inbox.c.id, _inbox.c.message_id, _inbox.c.state).where(
        _inbox.c.platform == bindparam("p_platform"),
        _inbox.c.message_id.in_(bindparam("p_message_ids", expanding=True)),
    )


# Inbox states a delivery may not claim: handled, or "later" (its step committed, its later work not yet;
# the engine resumes such a message only when no later work of its runs: bot/core/conversation.py Later).
_TAKEN = ("handled", "later")
# Claiming a message clears its file's bytes, in the transaction that handles it: committed, that transaction
# has done with the file what it will (an upload keeps the bytes with its import, ledger_imports); rolled
# back, the bytes stay for the retry or for inbox recovery.
_CLAIMED = {"state": "handled", "error": "", "attachment_data": None}


@cache
def claim_inbox_many():
    """UPDATE several raw messages to handled unless they are (or "later"); RETURNING the ids claimed."""
    return (
        update(_inbox)
        .where(_inbox.c.id.in_(bindparam("p_ids", expanding=True)), _inbox.c.state.not_in(_TAKEN))
        .values(_CLAIMED)
        .returning(_inbox.c.id)
    )


@cache
def inbox_state():
    """SELECT id and state of a stored raw message."""
    return select(_inbox.c.id, _inbox.c.state).where(
        _inbox.c.platform == bindparam("p_platform"), _inbox.c.message_id == bindparam("p_message_id")
    )


@cache
def claim_inbox():
    """UPDATE a raw message to handled unless it already is (or is "later", its step done but not its later work)."""
    return (
        update(_inbox).where(_inbox.c.id == bindparam("p_id"), _inbox.c.state.not_in(_TAKEN)).values(_CLAIMED)
    )


@cache
def load_conversation():
    """SELECT a chat's conversation state."""
    c = _conversations.c
    return select(c.flow, c.step, c.data, c.expires_at, c.version).where(
        c.platform == bindparam("p_platform"),
        c.chat_id == bindparam("p_chat_id"),
        c.user_id == bindparam("p_user_id"),
    )


@cache
def load_conversations():
    """SELECT ... FOR UPDATE the conversation states of several chats of a platform (SQLite: its write lock)."""
    c = _conversations.c
    return (
        select(c.chat_id, c.user_id, c.flow, c.step, c.data, c.expires_at, c.version)
        .where(c.platform == bindparam("p_platform"), c.chat_id.in_(bindparam("p_chat_ids", expanding=True)))
        .with_for_update()
    )


@cache
def update_conversation():
    """UPDATE a conversation if its version is the one read."""
    c = _conversations.c
    return (
        update(_conversations)
        .where(
            c.platform == bindparam("p_platform"),
            c.chat_id == bindparam("p_chat_id"),
            c.user_id == bindparam("p_user_id"),
            c.version == bindparam("p_expected"),
        )
        .values(
            flow=bindparam("p_flow"),
            step=bindparam("p_step"),
            data=bindparam("p_data"),
            expires_at=bindparam("p_expires_at"),
            updated_at=bindparam("p_updated_at"),
            version=bindparam("p_version"),
        )
    )


@cache
def roles_many():
    """SELECT every role of several people on a platform."""
    c = _contacts.c
    return (
        select(c.id, c.platform, c.user_id, c.display_name, c.role, c.unit_key, c.chat_id)
        .where(c.platform == bindparam("p_platform"), c.user_id.in_(bindparam("p_user_ids", expanding=True)))
        .order_by(c.id)
    )


@cache
def insert_revision(dialect: str):
    """INSERT the next revision of an item and unit in a period, numbered in the same statement.

    RETURNING its id and number; nothing when a concurrent writer took that number first (then try again).
    """
    c = _submissions.c
    given = {
        n: bindparam(f"p_{n}", type_=_submissions.c[n].type)
        for n in (
            "period_id",
            "item_id",
            "unit_id",
            "unit_key",
            "progress",
            "problems",
            "plan",
            "status",
            "achieved",
            "skipped",
            "source",
            "author",
            "inbox_id",
            "review",
            "created_at",
        )
    }
    next_revision = (func.coalesce(func.max(c.revision), 0) + 1).label("revision")
    source = select(*given.values(), next_revision).where(
        c.period_id == given["period_id"], c.item_id == given["item_id"], c.unit_key == given["unit_key"]
    )
    return (
        insert_for(dialect)(_submissions)
        .from_select([*given, "revision"], source)
        .on_conflict_do_nothing(index_elements=["period_id", "item_id", "unit_key", "revision"])
        .returning(c.id, c.revision)
    )


@cache
def latest(by_item: bool, by_unit: bool, among: bool = False):
    """SELECT the newest revision per item and unit of a period, optionally of one item and one unit.

    ``among``: only of the items whose ids are bound as the list ``p_item_ids``.
    """
    c = _submissions.c
    grouped = (
        select(c.item_id, c.unit_key, func.max(c.revision).label("rev"))
        .where(c.period_id == bindparam("p_period_id"))
        .group_by(c.item_id, c.unit_key)
    )
    if among:
        grouped = grouped.where(c.item_id.in_(bindparam("p_item_ids", expanding=True)))
    newest = grouped.subquery()
    q = (
        select(_submissions)
        .join(
            newest,
            (newest.c.item_id == c.item_id)
            & (newest.c.unit_key == c.unit_key)
            & (newest.c.rev == c.revision),
        )
        .where(c.period_id == bindparam("p_period_id"))
    )
    if by_item:
        q = q.where(c.item_id == bindparam("p_item_id"))
    if by_unit:
        q = q.where(c.unit_key == bindparam("p_unit"))
    return q.order_by(c.item_id, c.unit_key)


@cache
def previous():
    """SELECT the newest revisions of an item in the latest earlier period (of a ledger) that has one, and its code."""
    p, c = _periods.c, _submissions.c
    code = (
        select(func.max(p.code))
        .select_from(_periods.join(_submissions, c.period_id == p.id))
        .where(
            p.ledger_id == bindparam("p_ledger_id"),
            p.code < bindparam("p_before"),
            c.item_id == bindparam("p_item_id"),
            c.skipped.is_(False),
        )
        .scalar_subquery()
    )
    newest = (
        select(c.unit_key, func.max(c.revision).label("rev"))
        .select_from(_submissions.join(_periods, c.period_id == p.id))
        .where(p.ledger_id == bindparam("p_ledger_id"), p.code == code, c.item_id == bindparam("p_item_id"))
        .group_by(c.unit_key)
        .subquery()
    )
    return (
        select(_submissions, p.code.label("period_code"))
        .select_from(
            _submissions.join(_periods, c.period_id == p.id).join(
                newest, (newest.c.unit_key == c.unit_key) & (newest.c.rev == c.revision)
            )
        )
        .where(p.ledger_id == bindparam("p_ledger_id"), p.code == code, c.item_id == bindparam("p_item_id"))
        .order_by(c.unit_key)
    )
