"""Generation strategies: how one record becomes its output fields, chosen from the generation settings.

A strategy is `async (client, job, record) -> fields` (see `runner.Strategy`). Each entry of `STRATEGIES` says
when it applies and how to open it (an async context manager, so a strategy can hold a connection such as the
sandbox's); the first entry that applies is used. Adding one (best-of-N, tool calls, ...) is one entry here.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from dataclasses import dataclass

from nskit.config.generation import GenerationConfig
from nskit.generation.code_execution import open_code_execution
from nskit.generation.runner import Strategy, default_strategy


@asynccontextmanager
async def open_default(settings: GenerationConfig) -> AsyncIterator[Strategy]:
    """One request per problem (the plain sampler); holds nothing."""
    yield default_strategy


@dataclass(frozen=True)
class StrategyEntry:
    """A named strategy, the settings it applies to, and how to open it."""

    name: str
    applies: Callable[[GenerationConfig], bool]
    open: Callable[[GenerationConfig], AbstractAsyncContextManager[Strategy]]


def open_scaling(settings: GenerationConfig) -> AbstractAsyncContextManager[Strategy]:
    """`++strategy=NAME` (nskit/generation/scaling): imported only when chosen."""
    from nskit.generation.scaling import open_scaling as open_chosen

    return open_chosen(settings)


STRATEGIES: tuple[StrategyEntry, ...] = (
    StrategyEntry("scaling", lambda settings: settings.strategy is not None, open_scaling),
    StrategyEntry("code_execution", lambda settings: settings.code.enabled, open_code_execution),
    StrategyEntry("default", lambda settings: True, open_default),
)


def select_strategy(settings: GenerationConfig) -> StrategyEntry:
    """The first registered strategy that applies to `settings`."""
    return next(entry for entry in STRATEGIES if entry.applies(settings))
