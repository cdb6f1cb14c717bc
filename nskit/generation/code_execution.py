"""Tool-integrated reasoning: generate until a code block closes, run it in the sandbox, feed the output back.

One solution = one sandbox session (later blocks see earlier variables) and a chain of model turns:

    turn 1: prompt                                   -> text ending in  ```python\\n...   (stopped at ```\\n)
    run the block, append  ```\\n```output\\n<stdout/stderr>```\\n
    turn 2: prompt + everything so far (continued)   -> more text, maybe another block ...

The loop ends at a final `\\boxed{}`, when the model stops without code, when `tokens_to_generate` (counted over
all turns) is spent, or after `code.max_executions` blocks (one last turn then runs without the code stop
phrase so the model can finish). Chat mode continues the assistant message (`continue_final_message`, vLLM);
raw-completion mode appends to the prompt text.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from typing import Any

from nskit.config.generation import CodeExecutionConfig, GenerationConfig, InferenceConfig
from nskit.errors import UserError
from nskit.generation.client import Completion, ModelClient, RequestFailed, ServerDown
from nskit.generation.code_format import (
    CodeTags,
    PendingCode,
    code_tags,
    cut_middle,
    find_pending_code,
    has_final_answer,
    output_block,
    output_text,
)
from nskit.generation.jobs import GenerationJob
from nskit.prompt.render import Prompt, build_prompt
from nskit.records import schema
from nskit.sandbox import SandboxClient, SandboxError

log = logging.getLogger(__name__)

CONTINUE_CHAT = {"continue_final_message": True, "add_generation_prompt": False}
"""vLLM request fields that make the model continue the last (assistant) message instead of answering it."""


class SandboxDown(ServerDown):
    """Too many code executions in a row failed because the sandbox service could not run them."""


SANDBOX_ERROR_BUDGET = 10
"""Code executions in a row that the sandbox service may fail to run before the run stops with `SandboxDown`."""


@dataclass
class CodeStep:
    """One executed block, as stored in the record's `code_steps`."""

    code: str
    status: str
    stdout: str
    stderr: str
    error: str
    session_reset: bool
    wall_time: float
    """Seconds the sandbox spent running it."""
    execution_time: float
    """Seconds from sending the block to getting its result (includes queueing in the sandbox)."""
    output_truncated: bool = False


@dataclass
class Solution:
    """State of one solution while the loop runs."""

    generation: str = ""
    steps: list[CodeStep] = field(default_factory=list)
    turns: int = 0
    generated_tokens: int = 0
    input_tokens: int | None = None
    retries: int = 0
    finish_reason: str | None = None
    stop: str = ""
    error: str | None = None


def continuation(prompt: Prompt, generated: str, stop_phrases: tuple[str, ...]) -> tuple[Prompt, dict[str, Any]]:
    """The request that continues `generated` after `prompt`: (prompt, extra request fields)."""
    stops = (*prompt.stop_phrases, *stop_phrases)
    if prompt.text is not None:
        return Prompt(messages=prompt.messages, text=prompt.text + generated, stop_phrases=stops), {}
    if not generated:
        return Prompt(messages=prompt.messages, stop_phrases=stops), {}
    messages = [*prompt.messages, {"role": "assistant", "content": generated}]
    return Prompt(messages=messages, stop_phrases=stops), dict(CONTINUE_CHAT)


class CodeExecutionStrategy:
    """A generation strategy (see `runner.Strategy`) that runs model-written code in the sandbox."""

    def __init__(self, sandbox: SandboxClient, settings: CodeExecutionConfig,
                 sandbox_error_budget: int = SANDBOX_ERROR_BUDGET) -> None:
        self.sandbox = sandbox
        self.settings = settings
        self.tags = code_tags(settings)
        self.sandbox_error_budget = sandbox_error_budget
        self._sandbox_failures_in_a_row = 0

    async def __call__(self, client: ModelClient, job: GenerationJob, record: dict[str, Any]) -> dict[str, Any]:
        """Solve one record; the fields to store on it."""
        prompt = build_prompt(record, job.prompt_config, job.template, job.system_message)
        session_id = f"tir-{uuid.uuid4().hex}"
        solution = Solution()
        try:
            await self._solve(client, prompt, job.inference, session_id, solution)
        finally:
            if solution.steps:
                await self._close_session(session_id)
        return self._fields(solution)

    async def _solve(
        self, client: ModelClient, prompt: Prompt, inference: InferenceConfig, session_id: str, solution: Solution
    ) -> None:
        tags = self.tags
        budget = inference.tokens_to_generate
        while True:
            remaining = budget - solution.generated_tokens
            if remaining <= 0:
                solution.stop = "token_budget"
                return
            code_allowed = len(solution.steps) < self.settings.max_executions
            request, extra = continuation(prompt, solution.generation, (tags.code_end,) if code_allowed else ())
            params = inference.model_copy(update={"tokens_to_generate": remaining})
            completion = await client.generate(request, params, extra_body=extra or None)
            self._count(solution, completion)
            pending = self._pending(completion, code_allowed)
            if pending is None or has_final_answer(completion.text[: pending.start]):
                solution.generation += completion.text
                solution.stop = self._stop_reason(solution, completion, code_allowed)
                return
            solution.generation += pending.closed_text
            step, shown = await self._execute(pending.code, session_id)
            solution.steps.append(step)
            if shown is None:
                solution.stop = "sandbox_error"
                solution.error = f"sandbox: {step.error}"
                return
            solution.generation += output_block(shown, tags)

    def _count(self, solution: Solution, completion: Completion) -> None:
        if completion.completion_tokens is None:
            raise RequestFailed(
                "no_usage", "the server reported no token usage; the code-execution token budget needs it", 1,
                transient=False,
            )
        solution.turns += 1
        solution.generated_tokens += completion.completion_tokens
        solution.retries += completion.retries
        solution.finish_reason = completion.finish_reason
        if solution.input_tokens is None:
            solution.input_tokens = completion.prompt_tokens

    def _pending(self, completion: Completion, code_allowed: bool) -> PendingCode | None:
        if not code_allowed:
            return None
        end = self.tags.code_end
        stopped_at_end = completion.finish_reason == "stop" and completion.stop_reason in (None, end)
        return find_pending_code(completion.text, self.tags, stopped_at_end)

    @staticmethod
    def _stop_reason(solution: Solution, completion: Completion, code_allowed: bool) -> str:
        if has_final_answer(completion.text):
            return "boxed"
        if completion.finish_reason == "length":
            return "token_budget"
        return "no_code" if code_allowed else "max_code_executions"

    async def _execute(self, code: str, session_id: str) -> tuple[CodeStep, str | None]:
        """Run one block in the solution's session: (step, text shown to the model).

        When the sandbox service cannot run it at all, the step records why and the text is None.
        """
        started = time.monotonic()
        try:
            result = await self.sandbox.execute(code, session_id=session_id, timeout=self.settings.timeout)
        except SandboxError as exc:
            self._sandbox_failures_in_a_row += 1
            log.warning("sandbox could not run a code block: %s", exc)
            if self._sandbox_failures_in_a_row >= self.sandbox_error_budget:
                raise SandboxDown(
                    f"{self._sandbox_failures_in_a_row} code executions in a row failed in the sandbox "
                    f"{self.sandbox.base_url}: {exc}"
                ) from exc
            failed = CodeStep(code=code, status="sandbox_error", stdout="", stderr="", error=str(exc),
                              session_reset=False, wall_time=0.0, execution_time=time.monotonic() - started)
            return failed, None
        self._sandbox_failures_in_a_row = 0
        limit = self.settings.max_output_characters
        stdout, cut_out = cut_middle(result.stdout, limit)
        stderr, cut_err = cut_middle(result.stderr, limit)
        shown, cut_shown = cut_middle(output_text(result, self.settings.output_format), limit)
        step = CodeStep(
            code=code, status=result.status, stdout=stdout, stderr=stderr, error=result.error,
            session_reset=result.session_reset, wall_time=result.wall_time,
            execution_time=time.monotonic() - started, output_truncated=cut_out or cut_err or cut_shown,
        )
        return step, shown

    async def _close_session(self, session_id: str) -> None:
        try:
            await self.sandbox.close_session(session_id)
        except SandboxError as exc:
            # The solution is complete; an interpreter left behind is closed by the service's idle timeout.
            log.warning("could not close sandbox session %s: %s", session_id, exc)

    @staticmethod
    def _fields(solution: Solution) -> dict[str, Any]:
        fields: dict[str, Any] = {
            schema.GENERATION: solution.generation,
            schema.FINISH_REASON: solution.finish_reason,
            schema.NUM_INPUT_TOKENS: solution.input_tokens,
            schema.NUM_GENERATED_TOKENS: solution.generated_tokens,
            schema.NUM_RETRIES: solution.retries,
            schema.NUM_TURNS: solution.turns,
            schema.NUM_CODE_EXECUTIONS: len(solution.steps),
            schema.CODE_STOP_REASON: solution.stop,
            schema.CODE_STEPS: [asdict(step) for step in solution.steps],
        }
        if solution.error is not None:
            fields[schema.ERROR] = solution.error
        return fields


@asynccontextmanager
async def open_code_execution(settings: GenerationConfig) -> AsyncIterator[CodeExecutionStrategy]:
    """The code-execution strategy bound to `++sandbox_address`, checked to answer before anything is sent."""
    if not settings.sandbox_address:
        raise UserError(
            "++code_execution=true needs a sandbox: give ++sandbox_address=URL (ns eval starts one; "
            "or run `ns sandbox --port 6000` and pass ++sandbox_address=http://127.0.0.1:6000)"
        )
    sandbox = SandboxClient(settings.sandbox_address)
    try:
        try:
            await sandbox.health()
        except SandboxError as exc:
            raise SandboxDown(f"the sandbox at {settings.sandbox_address} does not answer: {exc}") from exc
        yield CodeExecutionStrategy(sandbox, settings.code)
    finally:
        await sandbox.aclose()
