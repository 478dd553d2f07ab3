"""The routing table: which step answers which message."""

from __future__ import annotations

import unicodedata

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.routing import Router
from handlers import texts
from handlers.coordinator import periods as admin_chat
from handlers.coordinator import export
from handlers.coordinator import groups
from handlers.coordinator import listing
from handlers.filing import mine
from handlers.coordinator import queries as query
from handlers.filing import flow as report
from handlers.coordinator import review
from handlers.account import binding as start
from handlers.coordinator import upload
from handlers.commands import normalize, parse_command
from handlers.common import roles_of, say
from handlers.deps import Deps
from nlp.intents import Vocabulary, parse_query

MAX_TEXT = 3000


def _cmd(*names: str):
    def match(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
        cmd = parse_command(msg.text)
        return cmd is not None and cmd.name in names

    return match


# Commands that may interrupt a flow: slash commands, and bare command words that cannot be progress text.
_INTERRUPTING = {"report", "mine", "items", "unbind", "overview", "lagging", "missing"}


def _interrupts(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
    if state.idle:
        return False
    cmd = parse_command(msg.text)
    if cmd is None:
        return False
    if cmd.slash:
        return cmd.name not in ("confirm", "skip", "redo")
    return (cmd.name in _INTERRUPTING and not cmd.args) or (cmd.name == "edit" and cmd.args[:1].isdigit())


def _bad_input(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
    return bad_input_text(msg) is not None


def bad_input_text(msg: IncomingMessage) -> str | None:
    """Return the explanation for a message that cannot be handled as text, or None when it is fine."""
    if msg.kind == "unsupported":
        return texts.UNSUPPORTED
    if msg.kind in ("event", "file"):
        return None
    text = normalize(msg.text)
    if not text:
        return texts.EMPTY_MESSAGE
    if len(text) > MAX_TEXT:
        return texts.TOO_LONG.format(length=len(text), limit=MAX_TEXT)
    if not any(unicodedata.category(ch)[0] in "LN" for ch in text):
        return texts.EMOJI_ONLY
    return None


async def bad_input_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Explain why a message could not be used; the flow stays where it was."""
    return say(bad_input_text(msg) or texts.UNKNOWN_COMMAND, state)


async def cancel_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Leave any flow."""
    return say(texts.NOTHING_TO_CANCEL if state.idle else texts.CANCELLED, IDLE)


async def event_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Greet a person who opened the app or followed it."""
    return say(texts.EVENT_GREETING, state)



async def unbound_guard(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn | None:
    """Answer people with no role at all with how to bind, and nothing else."""
    if msg.kind == "event" or await roles_of(deps, msg):
        return None
    return say(texts.HELP_UNBOUND, IDLE)


async def fallback_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Answer what nothing else did: unbound people learn how to bind, others get the help."""
    roles = await roles_of(deps, msg)
    if not roles:
        return say(texts.HELP_UNBOUND, state)
    return say(texts.UNKNOWN_COMMAND, state)


async def query_or_fallback(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Free text from an idle chat: a question for those who may ask, else the fallback."""
    roles = await roles_of(deps, msg)
    if any(r.role in ("admin", "coordinator", "viewer") for r in roles):
        return await query.query_step(msg, state, deps)
    question = parse_query(msg.text, Vocabulary())
    if question is not None and question.kind != "item":  # a question from a contact: say why not
        return await query.query_step(msg, state, deps)
    if any(r.role == "contact" for r in roles):  # most likely progress typed before 填报
        return say(texts.CONTACT_FREE_TEXT, state)
    return await fallback_step(msg, state, deps)


def build_router() -> Router:
    """Return the router with every flow registered."""
    r = Router()
    r.global_command(lambda m, s, d: m.kind == "event", event_step)
    r.global_command(lambda m, s, d: m.kind == "file", upload.upload_step)
    r.global_command(_bad_input, bad_input_step)
    r.global_command(_cmd("cancel"), cancel_step)
    r.global_command(_cmd("help"), start.help_step)
    r.global_command(_cmd("bind"), start.bind_step)

    async def interrupt_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
        """Leave the current flow and answer the command as if the chat were idle."""
        return await r.route(msg, IDLE, deps)

    r.global_command(_interrupts, interrupt_step)
    r.guard(unbound_guard)
    r.step("unbind", "choose_unit", start.unbind_choose_step)
    for name, step in (("choose_unit", report.choose_unit_step), ("progress", report.progress_step),
                       ("clarify", report.clarify_step), ("confirm", report.confirm_step),
                       ("problems", report.problems_step), ("plan", report.plan_step)):
        r.step(report.FLOW, name, step)
    r.entry(_cmd("unbind"), start.unbind_step)
    r.entry(_cmd("report"), report.report_entry)
    r.entry(_cmd("edit"), report.edit_entry)
    r.entry(_cmd("mine"), mine.mine_step)
    r.entry(_cmd("items"), listing.items_step)
    r.entry(_cmd("export"), export.export_step)
    r.entry(_cmd("bindgroup"), groups.bindgroup_step)
    r.entry(_cmd("open"), admin_chat.open_step)
    r.entry(_cmd("close"), admin_chat.close_step)
    r.entry(_cmd("deadline"), admin_chat.deadline_step)
    r.entry(_cmd("invite"), admin_chat.invite_step)
    r.entry(_cmd("accept", "return"), review.review_step)
    r.entry(_cmd("overview", "lagging", "missing", "unit", "item", "history"), query.query_step)
    r.fallback = query_or_fallback
    return r
