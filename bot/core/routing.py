"""Route a message to a handler step: global commands, then the current flow's step, then entry intents."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage

Step = Callable[[IncomingMessage, ConversationState, Any], Awaitable[Turn]]
Matcher = Callable[[IncomingMessage, ConversationState, Any], bool]


@dataclass
class Router:
    """A table of handler steps; the composition root fills it, the engine asks it."""

    globals_: list[tuple[Matcher, Step]] = field(default_factory=list)
    steps: dict[tuple[str, str], Step] = field(default_factory=dict)
    entries: list[tuple[Matcher, Step]] = field(default_factory=list)
    fallback: Step | None = None

    def global_command(self, matcher: Matcher, step: Step) -> None:
        """Register a step that wins in any flow (取消, 帮助)."""
        self.globals_.append((matcher, step))

    def step(self, flow: str, name: str, step: Step) -> None:
        """Register the step that answers a message while a chat is at ``flow``/``name``."""
        self.steps[(flow, name)] = step

    def entry(self, matcher: Matcher, step: Step) -> None:
        """Register a step that starts from an idle chat (or interrupts a flow when it matches)."""
        self.entries.append((matcher, step))

    def resolve(self, msg: IncomingMessage, state: ConversationState, deps: Any) -> Step:
        """Return the step that should answer ``msg``."""
        for matcher, step in self.globals_:
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
        """Run the step that answers ``msg``."""
        return await self.resolve(msg, state, deps)(msg, state, deps)
