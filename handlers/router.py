"""The routing table: which step answers which message, and who may reach it — the whole graph in one place.

Order: global commands (any flow), then the guard for people not bound, then the step of the chat's
current flow, then an entry that starts something, then the fallback (a question, or the help).
"""

from __future__ import annotations

from bot.core.conversation import IDLE, ConversationState, Turn
from bot.core.messages import IncomingMessage
from bot.core.routing import Flow, Matcher, Router
from handlers import texts
from handlers.access import ADMINS, COORDINATORS, READERS, authorize, has_role, refuse, roles_of
from handlers.account import basics, binding
from handlers.commands import parse_command
from handlers.coordinator import (
    board_link,
    export,
    groups,
    invites,
    listing,
    people,
    periods,
    queries,
    review,
    upload,
)
from handlers.deps import Deps
from handlers.filing import flow as filing
from handlers.filing import mine
from handlers.flows import (
    FILING,
    OPEN_PERIOD,
    QUERY,
    UNBIND,
    UPLOAD,
    FilingStep,
    OpenPeriodStep,
    QueryStep,
    UnbindStep,
    UploadStep,
)
from handlers.turns import say
from nlp.intents import Vocabulary, parse_query

# Commands that may interrupt a flow: slash commands, and bare command words that cannot be progress text.
_INTERRUPTING = {"filing", "mine", "items", "unbind", "overview", "lagging", "missing"}

FILING_FLOW = Flow(
    FILING,
    {
        FilingStep.CHOOSE_UNIT: filing.choose_unit_step,
        FilingStep.PROGRESS: filing.progress_step,
        FilingStep.CLARIFY: filing.clarify_step,
        FilingStep.CONFIRM: filing.confirm_step,
        FilingStep.PROBLEMS: filing.problems_step,
        FilingStep.PLAN: filing.plan_step,
        FilingStep.NUMBERED: filing.numbered_step,
    },
)
UNBIND_FLOW = Flow(UNBIND, {UnbindStep.CHOOSE_UNIT: binding.unbind_choose_step})
UPLOAD_FLOW = Flow(
    UPLOAD,
    {
        UploadStep.READING: upload.resume_step,
        UploadStep.CONFIRM: upload.confirm_step,
        UploadStep.APPLYING: upload.resume_step,
    },
)
OPEN_PERIOD_FLOW = Flow(OPEN_PERIOD, {OpenPeriodStep.CONFIRM: periods.open_confirm_step}, allow=COORDINATORS)


def _cmd(*names: str) -> Matcher:
    def match(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
        cmd = parse_command(msg.text)
        return cmd is not None and cmd.name in names

    return match


def _invite_for(*roles: str | None) -> Matcher:
    def match(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
        cmd = parse_command(msg.text)
        return cmd is not None and cmd.name == "invite" and invites.invited_role(msg.text) in roles

    return match


def _interrupts(msg: IncomingMessage, state: ConversationState, deps: Deps) -> bool:
    if state.idle:
        return False
    cmd = parse_command(msg.text)
    if cmd is None:
        return False
    if cmd.slash:
        return cmd.name not in ("confirm", "skip", "redo")
    return (cmd.name in _INTERRUPTING and not cmd.args) or (cmd.name == "edit" and cmd.args[:1].isdigit())


async def query_or_fallback(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
    """Free text from an idle chat: a question for those who may ask, else the fallback."""
    roles = await roles_of(deps, msg)
    if has_role(roles, *READERS):
        return await queries.query_step(msg, state, deps)
    question = parse_query(msg.text, Vocabulary())
    if question is not None and question.kind != "item":  # a question from a contact: say why not
        return refuse(msg, "查询", "viewer", state)
    if any(r.role == "contact" for r in roles):  # most likely progress typed before 填报
        return say(texts.CONTACT_FREE_TEXT, state)
    return await basics.fallback_step(msg, state, deps)


def build_router() -> Router:
    """Return the router with every flow registered."""
    r = Router(authorize=authorize)
    # Global commands: answered in any flow, before the guard for people not bound.
    r.global_command(lambda m, s, d: m.kind == "event", basics.event_step)
    r.global_command(
        lambda m, s, d: m.kind == "file",
        upload.upload_step,
        allow=COORDINATORS,
        command="上传台账",
        refusal=texts.FILE_NOT_ALLOWED,
    )
    r.global_command(lambda m, s, d: basics.bad_input_text(m) is not None, basics.bad_input_step)
    r.global_command(_cmd("cancel"), basics.cancel_step)
    r.global_command(_cmd("help"), binding.help_step)
    r.global_command(_cmd("bind"), binding.bind_step)

    async def interrupt_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
        """Leave the current flow and answer the command as if the chat were idle."""
        return await r.route(msg, IDLE, deps)

    r.global_command(_interrupts, interrupt_step)
    r.guard(basics.unbound_guard)
    # Flows: the chat's stored flow and step pick the step.
    r.flow(UNBIND_FLOW)
    r.flow(FILING_FLOW)
    r.flow(UPLOAD_FLOW)
    r.flow(OPEN_PERIOD_FLOW)

    async def follow_step(msg: IncomingMessage, state: ConversationState, deps: Deps) -> Turn:
        """The message after an answer: a follow-up to it, or else what it would be from an idle chat."""
        if parse_command(msg.text) is None:
            answered = await queries.answer(msg, state, deps)
            if answered is not None:
                return answered
        return await r.route(msg, IDLE, deps)

    r.flow(Flow(QUERY, {QueryStep.FOLLOW: follow_step}, allow=READERS))
    # Entries from an idle chat. Contacts: the unit is checked by the step (a contact of which unit).
    r.entry(_cmd("unbind"), binding.unbind_step)
    r.entry(_cmd("filing"), filing.filing_entry)
    r.entry(_cmd("edit"), filing.edit_entry)
    r.entry(_cmd("mine"), mine.mine_step)
    # Readers: coordinators, admins and viewers.
    r.entry(_cmd("items"), listing.items_step, allow=READERS, command="台账")
    r.entry(_cmd("export"), export.export_step, allow=READERS, command="导出")
    r.entry(
        lambda m, s, d: board_link.is_board_request(m.text),
        board_link.board_link_step,
        allow=READERS,
        command="看板",
    )
    r.entry(
        _cmd("overview", "lagging", "missing", "unit", "item", "history"),
        queries.query_step,
        allow=READERS,
        command="查询",
    )
    # Coordinators (and admins).
    r.entry(_cmd("bindgroup"), groups.bindgroup_step, allow=COORDINATORS, command="绑定群")
    r.entry(_cmd("open"), periods.open_step, allow=COORDINATORS, command="开启报送")
    r.entry(_cmd("close"), periods.close_step, allow=COORDINATORS, command="关闭报送")
    r.entry(_cmd("deadline"), periods.deadline_step, allow=COORDINATORS, command="截止")
    r.entry(_invite_for("coordinator"), invites.invite_step, allow=ADMINS, command="邀请督查室")
    r.entry(_cmd("invite"), invites.invite_step, allow=COORDINATORS, command="邀请")
    r.entry(upload.is_undo, upload.undo_step, allow=COORDINATORS, command="撤销导入")
    r.entry(_cmd("accept"), review.review_step, allow=COORDINATORS, command="通过")
    r.entry(_cmd("return"), review.review_step, allow=COORDINATORS, command="退回")
    r.entry(_cmd("people"), people.people_step, allow=COORDINATORS, command="人员")
    r.entry(_cmd("remove"), people.remove_step, allow=COORDINATORS, command="移除")
    r.entry(_cmd("invites"), people.invites_step, allow=COORDINATORS, command="有效绑定码")
    r.entry(_cmd("revoke"), people.revoke_step, allow=COORDINATORS, command="作废")
    r.fallback = query_or_fallback
    return r
