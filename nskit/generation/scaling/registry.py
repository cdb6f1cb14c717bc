"""`++strategy=NAME`: the scaling strategies by name, and the per-record wrapper that adds trajectory and budget.

A strategy is `async (Context, its settings) -> Outcome`. `open_scaling` opens what the run needs once (the
scorer, the sandbox), then each record runs the strategy against a `Budgeted` client; the record gets the final
`generation`, the `strategy` name, its `trajectory` and the compute it spent (`num_requests`,
`num_generated_tokens`, `num_input_tokens`). A record is one problem, so resume works per problem.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from nskit.config.generation import GenerationConfig
from nskit.config.scaling import PROGRAM_STRATEGIES
from nskit.errors import UserError
from nskit.generation.jobs import GenerationJob
from nskit.generation.scaling.beam import beam_search
from nskit.generation.scaling.code import check_code_support, is_code_problem
from nskit.generation.scaling.context import Budgeted, Context, Generator, Outcome
from nskit.generation.scaling.programs import model_selection, plan2code
from nskit.generation.scaling.refine import revision, self_refine
from nskit.generation.scaling.sampling import best_of_n, self_consistency
from nskit.generation.scaling.scorers import Scorer, make_scorer
from nskit.records import schema

StrategyFn = Callable[[Context, Any], Awaitable[Outcome]]

SCALING_STRATEGIES: dict[str, StrategyFn] = {
    "best_of_n": best_of_n,
    "self_consistency": self_consistency,
    "self_refine": self_refine,
    "revision": revision,
    "beam_search": beam_search,
    "model_selection": model_selection,
    "plan2code": plan2code,
}
"""Strategy name -> function (settings models: `config/scaling.py`, same names)."""


@dataclass
class Services:
    """What a run's strategy holds for all its problems."""

    scorer: Scorer | None = None
    sandbox_client: Any = None

    def sandbox(self) -> Any:
        """The sandbox client (program methods); a clear error when the run has none."""
        if self.sandbox_client is None:
            raise UserError("this strategy runs programs (or, on a code problem, its visible tests): give "
                            "++sandbox_address=URL (ns eval starts a sandbox)")
        return self.sandbox_client


VOTING_STRATEGIES = frozenset({"self_consistency", "revision", "model_selection", "plan2code"})
"""Strategies that vote: on a code problem they run every candidate on the visible tests."""


def needs_sandbox(settings: GenerationConfig, code: bool = False) -> bool:
    """Whether the chosen strategy runs programs (model_selection without pal/plan2code does not); on a code
    benchmark (`code`), also when it votes or scores with `tests` (both run the visible tests)."""
    if code and (settings.strategy in VOTING_STRATEGIES or scorer_name(settings) == "tests"):
        return True
    if settings.strategy not in PROGRAM_STRATEGIES:
        return False
    return settings.strategy == "plan2code" or bool({"pal", "plan2code"} & set(settings.model_selection.methods))


def scorer_name(settings: GenerationConfig) -> str | None:
    """The scorer the chosen strategy uses, if any."""
    chosen = getattr(settings, settings.strategy or "", None)
    return getattr(chosen, "scorer", None)


def check_benchmark(settings: GenerationConfig, code: bool) -> None:
    """Refuse, before anything runs, a strategy that cannot run on this kind of benchmark (UserError says why)."""
    if settings.strategy is not None:
        check_code_support(settings.strategy, getattr(settings, settings.strategy), code)


async def solve(name: str, services: Services, client: Generator, job: GenerationJob, settings: GenerationConfig,
                record: dict[str, Any]) -> dict[str, Any]:
    """Run strategy `name` on one record; the fields it adds."""
    check_code_support(name, getattr(settings, name), is_code_problem(record))
    model = Budgeted(client)
    ctx = Context(model, job, settings, record, services)
    outcome = await SCALING_STRATEGIES[name](ctx, getattr(settings, name))
    return {schema.GENERATION: outcome.generation, schema.FINISH_REASON: outcome.finish_reason, schema.STRATEGY: name,
            schema.TRAJECTORY: outcome.trajectory, **model.spent()}


@asynccontextmanager
async def open_scaling(settings: GenerationConfig) -> AsyncIterator[Callable[..., Awaitable[dict[str, Any]]]]:
    """The runner strategy for `++strategy=NAME`, holding its scorer and sandbox for the run."""
    name = settings.strategy
    assert name is not None  # selected only when a strategy is set
    services = Services()
    picked = scorer_name(settings)
    if picked is not None:
        services.scorer = make_scorer(picked, settings.reward_server_address, settings.reward_model)
    try:
        if needs_sandbox(settings) and not settings.sandbox_address:
            raise UserError(f"++strategy={name} runs programs: give ++sandbox_address=URL (ns eval starts one)")
        if settings.sandbox_address:  # code benchmarks need it to vote or to run the `tests` scorer
            from nskit.sandbox import SandboxClient, SandboxError

            services.sandbox_client = SandboxClient(settings.sandbox_address)
            try:
                await services.sandbox_client.health()
            except SandboxError as exc:
                raise UserError(f"the sandbox at {settings.sandbox_address} does not answer: {exc}") from exc

        async def run(client: Generator, job: GenerationJob, record: dict[str, Any]) -> dict[str, Any]:
            return await solve(name, services, client, job, settings, record)

        yield run
    finally:
        if services.scorer is not None:
            await services.scorer.aclose()
        if services.sandbox_client is not None:
            await services.sandbox_client.aclose()
