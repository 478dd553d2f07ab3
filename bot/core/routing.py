"""Route a message to a handler step: global commands, then the current flow's step, then entry intents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage

Step = Callable[[IncomingMessage, ConversationState, Any], Awaitable[Turn]]
Matcher = Callable[[IncomingMessage, ConversationState, Any], bool]
Guard = Callable[[IncomingMessage, ConversationState, Any], Awaitable[Turn | None]]


@dataclass
class Router:
    """A table of handler steps; the composition root fills it, the engine asks it."""

    globals_: list[tuple[Matcher, Step]] = field(default_factory=list)
    steps: dict[tuple[str, str], Step] = field(default_factory=dict)
    entries: list[tuple[Matcher, Step]] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    fallback: Step | None = None

    def global_command(self, matcher: Matcher, step: Step) -> None:
        """Register a step that wins in any flow (取消, 帮助)."""
        self.globals_.append((matcher, step))

    def guard(self, guard: Guard) -> None:
        """Register a check that may answer instead of any flow or entry (e.g. people not yet bound)."""
        self.guards.append(guard)

    def step(self, flow: str, name: str, step: Step) -> None:
        """Register the step that answers a message while a chat is at ``flow``/``name``."""
        self.steps[(flow, name)] = step

    def entry(self, matcher: Matcher, step: Step) -> None:
        """Register a step that starts from an idle chat (or interrupts a flow when it matches)."""
        self.entries.append((matcher, step))

    def resolve(self, msg: IncomingMessage, state: ConversationState, deps: Any, *, include_globals: bool = True) -> Step:
        """Return the step that should answer ``msg`` (guards aside)."""
        for matcher, step in self.globals_ if include_globals else ():
            if matcher(msg, state, deps):
                return step
        if not state.idle and (state.flow, state.step) in self.steps:
            return self.steps[(state.flow, state.step)]
        for matcher, step in self.entries:
            if matcher(msg, state, deps):
                return step
        if self.fallback is None:
            raise LookupError("no fallback step registered")
        return self.fallback

    async def route(self, msg: IncomingMessage, state: ConversationState, deps: Any) -> Turn:
        """Run the step that answers ``msg``: globals, then guards, then the flow's step or an entry."""
        for matcher, step in self.globals_:
            if matcher(msg, state, deps):
                return await step(msg, state, deps)
        for guard in self.guards:
            answer = await guard(msg, state, deps)
            if answer is not None:
                return answer
        return await self.resolve(msg, state, deps, include_globals=False)(msg, state, deps)
