"""The engine: for each message, store it, run its handler in one transaction, and only then reply."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Collection
from datetime import datetime
from functools import partial

from bot.core.conversation import IDLE, ConversationState, Later, Turn
from bot.core.lines import Follow, Part, line_key
from bot.core.messages import IncomingMessage
from bot.core.ports import Transaction
from bot.core.replies import Outbound, TextReply
from bot.core.routing import Router

_log = logging.getLogger(__name__)


class StaleStateError(RuntimeError):
    """Another worker changed the conversation twice in a row while this one was handling."""


class Engine:
    """Platform-neutral message pipeline shared by every adapter."""

    def __init__(
        self,
        transactions: Callable[[], Transaction],
        router: Router,
        *,
        error_text: str,
        now: Callable[[], datetime],
        lanes: int = 1,
    ) -> None:
        self._transactions = transactions
        self._lanes = max(1, lanes)
        self._router = router
        self._error_text = error_text
        self._now = now
        self._later: set[int] = set()  # inbox ids whose later work runs in this process now

    async def handle(self, msg: IncomingMessage) -> tuple[Outbound, ...]:
        """Record, route and answer one message; return what to send (already committed)."""
        return (await self.handle_many([msg]))[0]

    async def handle_many(
        self,
        msgs: list[IncomingMessage],
        *,
        durable: bool = False,
        busy: Collection[str] = frozenset(),
        follow: Follow | None = None,
    ) -> list[tuple[Outbound, ...]]:
        """Record, route and answer messages in order; return what to send for each (already committed).

        All raw texts are committed first, then the messages are handled in one transaction per lane (one
        commit, the ledger's structure read once). Lanes run concurrently so that a database server's round
        trips overlap; the messages of one lane key (the sender's unit, else the chat) share a lane and keep
        their order, so two lanes never file the same unit's items. If a message fails or meets a changed
        conversation, its lane is rolled back and that lane's messages are handled one by one.

        ``durable``: the replies are queued in the outbox in the transaction that handles their messages
        (each returned Outbound carries its ``outbox_id``), so a stop before they are sent loses none.

        ``follow``: return without waiting for later work (bot/core/lines.py). A step's later work, and each
        message of its conversation after it (or of a conversation in ``busy``, whose line the caller still
        runs), is handed to ``follow(line_key(msg), part)`` in order, once the raw texts are committed; such a
        message's result here is what its first transaction sent (nothing for one only recorded).
        """
        lanes = min(self._lanes, len(msgs))
        async with self._transactions() as tx:
            if len(msgs) == 1:
                recorded = [await tx.record_inbox(msgs[0])]
            else:
                recorded = await tx.record_inbox_many(msgs)
            keys = await tx.lane_keys(msgs) if lanes > 1 else []
            await tx.commit()  # the raw texts are durable before anything parses them
        results: list[tuple[Outbound, ...]] = [()] * len(msgs)
        parts: dict[str, list[Part]] = {}  # what each conversation's line is handed, in order
        for i, msg in enumerate(msgs):
            if follow is not None and line_key(msg) in busy:
                parts.setdefault(line_key(msg), []).append(self._held(msg, *recorded[i], durable))

        async def lane(indexes: list[int]) -> None:
            indexes = [i for i in indexes if follow is None or line_key(msgs[i]) not in busy]
            mine, seen = [msgs[i] for i in indexes], [recorded[i] for i in indexes]
            alone = len(mine) == 1 or any(state == "later" for _, state in seen)
            together = None if alone or not mine else await self._run_together(mine, seen, durable)
            if together is None:
                together = []
                for m, (inbox_id, state) in zip(mine, seen, strict=True):
                    if (key := line_key(m)) in parts:  # behind later work handed on: it waits for it
                        parts[key].append(self._held(m, inbox_id, state, durable))
                        together.append(())
                        continue
                    outbound, rest = await self._first(m, inbox_id, state, durable, follow is not None)
                    together.append(outbound)
                    if rest is not None:
                        parts[key] = [rest]
            for i, outbound in zip(indexes, together, strict=True):
                results[i] = outbound

        await asyncio.gather(*(lane(indexes) for indexes in _deal(keys, lanes, len(msgs)) if indexes))
        if follow is not None:
            for key, handed in parts.items():
                for part in handed:
                    follow(key, part)
        return results

    def _held(self, msg: IncomingMessage, inbox_id: int, seen: str, durable: bool) -> Part:
        """Return a message's whole handling, later work included, as a part of its line."""
        return partial(self._handle_recorded, msg, inbox_id, seen, durable)

    async def _run_together(
        self, msgs: list[IncomingMessage], recorded: list[tuple[int, str]], durable: bool
    ) -> list[tuple[Outbound, ...]] | None:
        try:
            async with self._transactions() as tx:
                claimed = await tx.claim_inbox_many(
                    [inbox_id for inbox_id, seen in recorded if seen != "handled"]
                )
                states = await tx.load_states(
                    [m for m, (inbox_id, _) in zip(msgs, recorded, strict=True) if inbox_id in claimed]
                )
                results: list[tuple[Outbound, ...]] = []
                last: dict[tuple[str, str, str], tuple[IncomingMessage, ConversationState, int | None]] = {}
                for msg, (inbox_id, _seen) in zip(msgs, recorded, strict=True):
                    if inbox_id not in claimed:  # handled before, by another worker, or earlier in this batch
                        _log.info("duplicate delivery %s:%s dropped", msg.chat.platform, msg.message_id)
                        results.append(())
                        continue
                    claimed.discard(inbox_id)
                    key = (msg.chat.platform, msg.chat.chat_id, msg.user_id)
                    state, version = states.get(key, (IDLE, None))
                    outbound, saved, later = await self._route(tx, msg, inbox_id, state)
                    if later is not None:  # its lane goes one by one, the later work after its own commit
                        return None
                    results.append(outbound)
                    states[key] = (saved, version)  # what the next message of this chat starts from
                    last[key] = (msg, saved, version)
                if not await tx.save_states(list(last.values())):  # each chat's last state, in one go
                    return None
                if durable:
                    results = await _queued(tx, results)
                await tx.commit()
            return results
        except Exception:  # the messages are handled again one by one, where a failure stays with its message
            _log.info(
                "a batch of %d messages failed together; handling them one by one", len(msgs), exc_info=True
            )
            return None

    async def _handle_recorded(
        self, msg: IncomingMessage, inbox_id: int, seen: str, durable: bool = False
    ) -> tuple[Outbound, ...]:
        outbound, rest = await self._first(msg, inbox_id, seen, durable)
        return outbound if rest is None else outbound + await rest()

    async def _first(
        self, msg: IncomingMessage, inbox_id: int, seen: str, durable: bool = False, detach: bool = False
    ) -> tuple[tuple[Outbound, ...], Part | None]:
        """Handle a recorded message up to its commit; return what it sends and the rest, if later work is left.

        Without ``detach`` the later work is awaited here and nothing is left.
        """
        if seen == "handled" or (seen == "later" and inbox_id in self._later):
            _log.info("duplicate delivery %s:%s dropped", msg.chat.platform, msg.message_id)
            return (), None
        # "later" and not running here: a stop cut its later work off; its step is routed again to redo it
        resume = seen == "later"
        try:
            for attempt in range(2):
                first = await self._run_once(msg, inbox_id, durable, resume)
                if first is not None:
                    break
                _log.info(
                    "conversation changed under us; re-running %s (attempt %d)", msg.message_id, attempt + 2
                )
            else:
                raise StaleStateError(msg.message_id)
        except Exception as exc:
            # a handler bug must not lose the message or leave the user without an answer
            return await self._sorry(msg, inbox_id, exc, durable), None
        result, later = first
        if later is None:
            return result, None
        rest = partial(self._finish_later, msg, inbox_id, later, durable)
        return (result, rest) if detach else (result + await rest(), None)

    async def _sorry(
        self, msg: IncomingMessage, inbox_id: int, exc: Exception, durable: bool
    ) -> tuple[Outbound, ...]:
        """Note the failure on the message's inbox entry and return the apology to send."""
        _log.error("handling message %s failed", msg.message_id, exc_info=exc)
        sorry: tuple[Outbound, ...] = (Outbound(chat=msg.chat, replies=(TextReply(text=self._error_text),)),)
        async with self._transactions() as tx:
            await tx.fail_inbox(inbox_id, f"{type(exc).__name__}: {exc}")
            if durable:
                sorry = (await _queued(tx, [sorry]))[0]
            await tx.commit()
        return sorry

    async def _run_once(
        self, msg: IncomingMessage, inbox_id: int, durable: bool = False, resume: bool = False
    ) -> tuple[tuple[Outbound, ...], Later | None] | None:
        """Run the message's first transaction; return what it sends and its later work (running from now)."""
        async with self._transactions() as tx:
            answered = await self._turn(tx, msg, inbox_id, resume)
            if answered is None:
                return None
            result, later = answered
            if later is not None:
                # "later" until the second transaction commits; handed back on start if we stop first
                await tx.defer_inbox(inbox_id)
                self._later.add(inbox_id)  # before the commit: a re-delivery from now on is a duplicate
            if durable:
                result = (await _queued(tx, [result]))[0]
            try:
                await tx.commit()
            except BaseException:
                self._later.discard(inbox_id)
                raise
        return result, later

    async def _finish_later(
        self, msg: IncomingMessage, inbox_id: int, later: Later, durable: bool
    ) -> tuple[Outbound, ...]:
        try:
            return await self._run_later(msg, inbox_id, later, durable)
        finally:
            self._later.discard(inbox_id)

    async def _run_later(
        self, msg: IncomingMessage, inbox_id: int, later: Later, durable: bool
    ) -> tuple[Outbound, ...]:
        """Await a committed step's long work with no transaction open, then record its result in a short one."""
        try:
            result = await later.work()  # other chats' transactions go ahead meanwhile
            for _attempt in range(2):
                async with self._transactions() as tx:
                    state, version = await tx.load_state(msg)
                    turn = await later.then(result, state, self._deps(tx, inbox_id))
                    if turn.later is not None:
                        raise ValueError("later work may not hand back later work")
                    if not await tx.save_state(msg, remember_choices(turn), version):
                        continue  # the chat changed under us: ``then`` looks at it again
                    await tx.finish_inbox(inbox_id)
                    outbound = _outbound(msg, turn)
                    if durable:
                        outbound = (await _queued(tx, [outbound]))[0]
                    await tx.commit()
                    return outbound
            raise StaleStateError(msg.message_id)
        except Exception as exc:  # the step's own replies are committed; say sorry for the rest
            return await self._sorry(msg, inbox_id, exc, durable)

    async def _turn(
        self, tx: Transaction, msg: IncomingMessage, inbox_id: int, resume: bool = False
    ) -> tuple[tuple[Outbound, ...], Later | None] | None:
        """Handle one message inside ``tx``; None when its conversation changed under us (nothing to keep)."""
        claimed = await (tx.resume_inbox(inbox_id) if resume else tx.claim_inbox(inbox_id))
        if not claimed:
            return (), None
        state, version = await tx.load_state(msg)
        answered = await self._answer(tx, msg, inbox_id, state, version)
        return None if answered is None else (answered[0], answered[2])

    async def _answer(
        self,
        tx: Transaction,
        msg: IncomingMessage,
        inbox_id: int,
        state: ConversationState,
        version: int | None,
    ) -> tuple[tuple[Outbound, ...], ConversationState, Later | None] | None:
        """Route a claimed message from ``state`` and save its new state; None on a conflict."""
        outbound, saved, later = await self._route(tx, msg, inbox_id, state)
        if not await tx.save_state(msg, saved, version):
            return None
        return outbound, saved, later

    async def _route(
        self, tx: Transaction, msg: IncomingMessage, inbox_id: int, state: ConversationState
    ) -> tuple[tuple[Outbound, ...], ConversationState, Later | None]:
        """Route a claimed message from ``state``; return what to send, the state to keep and any later work."""
        if state.expires_at is not None and state.expires_at < self._now():
            state = IDLE
        turn = await self._router.route(answer_by_number(msg, state), state, self._deps(tx, inbox_id))
        return _outbound(msg, turn), remember_choices(turn), turn.later

    @staticmethod
    def _deps(tx: Transaction, inbox_id: int) -> object:
        deps = tx.deps
        return deps.bind(inbox_id=inbox_id) if hasattr(deps, "bind") else deps


def _outbound(msg: IncomingMessage, turn: Turn) -> tuple[Outbound, ...]:
    """Return what a turn sends: its replies to the message's chat, then its messages for others."""
    out = []
    if turn.replies:
        out.append(Outbound(chat=msg.chat, replies=turn.replies))
    out.extend(turn.outbound)
    return tuple(out)


async def _queued(tx: Transaction, results: list[tuple[Outbound, ...]]) -> list[tuple[Outbound, ...]]:
    """Queue every reply in the outbox within ``tx``; return the results carrying their outbox ids."""
    ids = iter(await tx.queue_outbox([o for outbound in results for o in outbound]))
    return [tuple(o.model_copy(update={"outbox_id": next(ids)}) for o in outbound) for outbound in results]


def _deal(keys: list[str], lanes: int, count: int) -> list[list[int]]:
    """Deal lane keys round-robin over ``lanes``; return each lane's message positions in order (one lane: all)."""
    if lanes <= 1:
        return [list(range(count))]
    lane_of: dict[str, int] = {}
    out: list[list[int]] = [[] for _ in range(lanes)]
    for i, key in enumerate(keys):
        out[lane_of.setdefault(key, len(lane_of) % lanes)].append(i)
    return out


CHOICES_KEY = "_choices"


def answer_by_number(msg: IncomingMessage, state: ConversationState) -> IncomingMessage:
    """Turn a reply of "2" into the second choice offered last, on platforms without buttons."""
    choices = state.data.get(CHOICES_KEY) or ()
    text = msg.text.strip()
    if msg.kind in ("text", "command") and text.isdigit() and 1 <= int(text) <= len(choices):
        return msg.model_copy(update={"text": choices[int(text) - 1], "kind": "choice"})
    return msg


def remember_choices(turn: Turn) -> ConversationState:
    """Return the turn's state carrying the choices of its last reply (or none)."""
    data = {k: v for k, v in turn.state.data.items() if k != CHOICES_KEY}
    last = turn.replies[-1] if turn.replies else None
    choices = getattr(last, "choices", ())
    if choices:
        data[CHOICES_KEY] = list(choices)
    return turn.state.model_copy(update={"data": data})
