"""Route a message to a handler step: global commands, then the current flow's step, then entry intents.

A flow is declared once, with every step name it stores bound to its step (like python-telegram-bot's
``ConversationHandler(states=...)``), and every route says at registration which roles may use it; the
router asks its ``authorize`` hook before running a step, so no step checks permissions itself.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.core.conversation import ConversationState, Turn
from bot.core.messages import IncomingMessage

Step = Callable[[IncomingMessage, ConversationState, Any], Awaitable[Turn]]
Matcher = Callable[[IncomingMessage, ConversationState, Any], bool]
Guard = Callable[[IncomingMessage, ConversationState, Any], Awaitable[Turn | None]]
# authorize(msg, state, deps, allowed roles, command name, refusal text or None) -> a refusal, or None to go on
Authorizer = Callable[
    [IncomingMessage, ConversationState, Any, frozenset[str], str, str | None], Awaitable[Turn | None]
]


@dataclass(frozen=True)
class Route:
    """A step and who may reach it: ``allow`` None means anyone (bound or not, as the guards say)."""

    step: Step
    matcher: Matcher | None = None
    allow: frozenset[str] | None = None
    command: str = ""
    refusal: str | None = None

    def matches(self, msg: IncomingMessage, state: ConversationState, deps: Any) -> bool:
        """Return True when this route's matcher accepts the message."""
        return self.matcher is not None and self.matcher(msg, state, deps)


@dataclass(frozen=True)
class Flow:
    """A multi-step dialogue: its stored name and every step name bound to the step that answers it.

    ``steps`` must cover every member of its step-name enum, so a flow's whole graph is in one place and
    a state a flow can store always has a step to answer it.
    """

    name: str
    steps: Mapping[StrEnum, Step]
    allow: frozenset[str] | None = None
    command: str = ""

    def __post_init__(self) -> None:
        if not self.steps:
            raise ValueError(f"flow {self.name!r} has no steps")
        kinds = {type(name) for name in self.steps}
        if len(kinds) != 1:
            raise TypeError(f"flow {self.name!r} mixes step-name enums: {sorted(k.__name__ for k in kinds)}")
        missing = [m.value for m in next(iter(kinds)) if m not in self.steps]
        if missing:
            raise ValueError(f"flow {self.name!r} has no step for {missing}")


@dataclass
class Router:
    """A table of handler steps; the composition root fills it, the engine asks it."""

    authorize: Authorizer | None = None
    globals_: list[Route] = field(default_factory=list)
    steps: dict[tuple[str, str], Route] = field(default_factory=dict)
    entries: list[Route] = field(default_factory=list)
    guards: list[Guard] = field(default_factory=list)
    fallback: Step | None = None

    def global_command(
        self,
        matcher: Matcher,
        step: Step,
        *,
        allow: frozenset[str] | None = None,
        command: str = "",
        refusal: str | None = None,
    ) -> None:
        """Register a step that wins in any flow (取消, 帮助)."""
        self.globals_.append(Route(step, matcher, allow, command, refusal))

    def guard(self, guard: Guard) -> None:
        """Register a check that may answer instead of any flow or entry (e.g. people not yet bound)."""
        self.guards.append(guard)

    def flow(self, flow: Flow) -> None:
        """Register every step of a flow under its stored name."""
        for name, step in flow.steps.items():
            self.step(flow.name, name.value, step, allow=flow.allow, command=flow.command)

    def step(
        self, flow: str, name: str, step: Step, *, allow: frozenset[str] | None = None, command: str = ""
    ) -> None:
        """Register the step that answers a message while a chat is at ``flow``/``name``."""
        self.steps[(flow, name)] = Route(step, None, allow, command)

    def entry(
        self,
        matcher: Matcher,
        step: Step,
        *,
        allow: frozenset[str] | None = None,
        command: str = "",
        refusal: str | None = None,
    ) -> None:
        """Register a step that starts from an idle chat (or interrupts a flow when it matches)."""
        self.entries.append(Route(step, matcher, allow, command, refusal))

    def resolve(
        self, msg: IncomingMessage, state: ConversationState, deps: Any, *, include_globals: bool = True
    ) -> Route:
        """Return the route that should answer ``msg`` (guards aside)."""
        for route in self.globals_ if include_globals else ():
            if route.matches(msg, state, deps):
                return route
        if not state.idle and (state.flow, state.step) in self.steps:
            return self.steps[(state.flow, state.step)]
        for route in self.entries:
            if route.matches(msg, state, deps):
                return route
        if self.fallback is None:
            raise LookupError("no fallback step registered")
        return Route(self.fallback)

    async def route(self, msg: IncomingMessage, state: ConversationState, deps: Any) -> Turn:
        """Run the step that answers ``msg``: globals, then guards, then the flow's step or an entry."""
        for route in self.globals_:
            if route.matches(msg, state, deps):
                return await self._run(route, msg, state, deps)
        for guard in self.guards:
            answer = await guard(msg, state, deps)
            if answer is not None:
                return answer
        return await self._run(self.resolve(msg, state, deps, include_globals=False), msg, state, deps)

    async def _run(self, route: Route, msg: IncomingMessage, state: ConversationState, deps: Any) -> Turn:
        if route.allow is not None:
            if self.authorize is None:
                raise LookupError(
                    f"route {route.command or route.step.__name__} needs roles but no authorizer"
                )
            refusal = await self.authorize(msg, state, deps, route.allow, route.command, route.refusal)
            if refusal is not None:
                return refusal
        return await route.step(msg, state, deps)
