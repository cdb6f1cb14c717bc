"""The code-execution loop with a scripted model (an in-process OpenAI server on 127.0.0.1) and the real sandbox.

The scripted model answers each request by looking at what it was sent, so every test also checks what the
loop sent back: the executed output, verbatim, inside the continued assistant turn (chat) or prompt (raw).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from nskit.config.generation import CodeExecutionConfig, GenerationConfig, InferenceConfig
from nskit.generation.client import ModelClient, RetryPolicy
from nskit.generation.code_execution import (
    CodeExecutionStrategy,
    SandboxDown,
    open_code_execution,
)
from nskit.generation.jobs import GenerationJob
from nskit.generation.runner import run_jobs
from nskit.prompt.render import PromptConfig, load_prompt_template
from nskit.records import iter_jsonl, write_jsonl
from nskit.sandbox import SandboxClient, SandboxProcess

pytestmark = pytest.mark.sandbox


@dataclass
class Turn:
    """One scripted model answer."""

    text: str
    stop_reason: str | None = "```\n"
    finish_reason: str = "stop"
    tokens: int = 10


Script = Callable[[dict[str, Any]], Turn]


@dataclass
class ScriptedModel:
    """What the fake server received (request bodies in arrival order)."""

    base_url: str
    bodies: list[dict[str, Any]] = field(default_factory=list)


@asynccontextmanager
async def scripted_model(script: Script) -> AsyncIterator[ScriptedModel]:
    """An OpenAI-compatible server (chat and completions) on 127.0.0.1 answering with `script(request_body)`."""
    state = ScriptedModel(base_url="")

    async def models(_request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": "scripted", "object": "model"}]})

    async def complete(request: web.Request) -> web.Response:
        body = await request.json()
        state.bodies.append(body)
        turn = script(body)
        chat = request.path.endswith("/chat/completions")
        choice: dict[str, Any] = {"index": 0, "finish_reason": turn.finish_reason, "stop_reason": turn.stop_reason}
        choice.update({"message": {"role": "assistant", "content": turn.text}} if chat else {"text": turn.text})
        usage = {"prompt_tokens": 50, "completion_tokens": turn.tokens, "total_tokens": 50 + turn.tokens}
        return web.json_response({"id": "x", "object": "chat.completion" if chat else "text_completion",
                                  "created": 0, "model": body["model"], "choices": [choice], "usage": usage})

    app = web.Application()
    app.router.add_get("/v1/models", models)
    app.router.add_post("/v1/chat/completions", complete)
    app.router.add_post("/v1/completions", complete)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]  # port 0: the OS chose it
    state.base_url = f"http://127.0.0.1:{port}/v1"
    try:
        yield state
    finally:
        await runner.cleanup()


@pytest.fixture(scope="module")
def sandbox_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """One real sandbox service for this module."""
    if shutil.which("bwrap") is None:
        pytest.skip("bubblewrap (bwrap) is not installed; run .ci/install_sandbox.sh")
    log = tmp_path_factory.mktemp("sandbox") / "service.log"
    with SandboxProcess(args=["--workers", "4", "--max-sessions", "64"], log_path=str(log)) as sandbox:
        yield sandbox.base_url


def assistant_so_far(body: dict[str, Any]) -> str:
    """The partial answer the loop sent: the continued assistant message (chat), or '' on the first turn."""
    last = body["messages"][-1]
    return last["content"] if last["role"] == "assistant" else ""


def solve(sandbox_url: str, script: Script, problem: str = "What is 6 times 7?", template: str | None = None,
          code: dict[str, Any] | None = None, **settings: Any) -> tuple[dict[str, Any], ScriptedModel]:
    """Run the strategy on one record against the scripted model; (fields, what the model was sent).

    `code`: the `++code.*` settings besides `enabled`; `settings`: the other generation settings."""
    config = GenerationConfig(code=CodeExecutionConfig(enabled=True, **(code or {})), sandbox_address=sandbox_url,
                              **settings)
    job = GenerationJob(
        input_file=Path("unused.jsonl"), output_file=Path("unused-out.jsonl"),
        prompt_config=PromptConfig(user="{problem}"), inference=config.inference,
        template=load_prompt_template(template) if template else None,
    )

    async def run() -> tuple[dict[str, Any], ScriptedModel]:
        async with scripted_model(script) as model:
            client = ModelClient(model.base_url, retry=RetryPolicy(max_retries=0))
            try:
                async with open_code_execution(config) as strategy:
                    return await strategy(client, job, {"problem": problem}), model
            finally:
                await client.close()

    return asyncio.run(run())


FIRST = "Let me compute.\n```python\nimport sys\nx = 6 * 7\nprint(x)\nprint('note', file=sys.stderr)\n"


def test_output_is_fed_back_verbatim_and_generation_continues(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        return Turn(FIRST) if not assistant_so_far(body) else Turn("So the answer is \\boxed{42}.", stop_reason=None)

    fields, model = solve(sandbox_url, script)
    first, second = model.bodies
    assert "```\n" in first["stop"] and "continue_final_message" not in first
    expected_partial = FIRST + "```\n" + "```output\n42\nnote\n```\n"
    assert second["messages"][-1] == {"role": "assistant", "content": expected_partial}
    assert second["messages"][:-1] == first["messages"]
    assert second["continue_final_message"] is True and second["add_generation_prompt"] is False
    assert fields["generation"] == expected_partial + "So the answer is \\boxed{42}."
    assert fields["code_stop_reason"] == "boxed" and fields["num_turns"] == 2
    assert fields["num_generated_tokens"] == 20  # summed over the turns
    assert fields["num_input_tokens"] == 50
    [step] = fields["code_steps"]
    assert step["code"] == "import sys\nx = 6 * 7\nprint(x)\nprint('note', file=sys.stderr)\n"
    assert (step["status"], step["stdout"], step["stderr"]) == ("ok", "42\n", "note\n")
    assert step["wall_time"] > 0 and step["execution_time"] >= step["wall_time"]
    assert "error" not in fields


def test_later_blocks_see_earlier_variables_in_the_solution_session(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        done = assistant_so_far(body).count("```output")
        return [Turn("```python\nv = 21\n"), Turn("Double it.\n```python\nprint(v * 2)\n"),
                Turn("\\boxed{42}", stop_reason=None)][done]

    fields, model = solve(sandbox_url, script)
    assert [s["stdout"] for s in fields["code_steps"]] == ["", "42\n"]
    assert model.bodies[2]["messages"][-1]["content"].endswith("```python\nprint(v * 2)\n```\n```output\n42\n```\n")


def test_traceback_is_trimmed_before_the_model_sees_it(sandbox_url: str) -> None:
    code = "def f(n):\n    return g(n)\ndef g(n):\n    return h(n)\ndef h(n):\n    return 1 / n\nf(0)\n"

    def script(body: dict[str, Any]) -> Turn:
        return Turn("```python\n" + code) if not assistant_so_far(body) else Turn("oops", stop_reason=None)

    fields, model = solve(sandbox_url, script)
    [step] = fields["code_steps"]
    assert step["status"] == "error" and step["error"] == "ZeroDivisionError: division by zero"
    shown = model.bodies[1]["messages"][-1]["content"].split("```output\n", 1)[1]
    assert shown.endswith("ZeroDivisionError: division by zero\n```\n")
    assert len(shown.splitlines()) <= 5  # the service keeps the last 4 traceback lines (+ the end marker)
    assert "runner.py" not in shown and "Traceback" not in shown.splitlines()[1:]
    assert fields["code_stop_reason"] == "no_code"


def test_max_code_executions_then_one_last_turn_without_the_code_stop(sandbox_url: str) -> None:
    fields, model = solve(sandbox_url, lambda body: Turn("```python\nprint(1)\n"), code={"max_executions": 2})
    assert fields["num_code_executions"] == 2 and fields["num_turns"] == 3
    assert ["```\n" in (body.get("stop") or []) for body in model.bodies] == [True, True, False]
    assert fields["code_stop_reason"] == "max_code_executions"
    assert fields["generation"].endswith("```output\n1\n```\n```python\nprint(1)\n")  # the last block is not run


def test_token_budget_counts_every_turn(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        return Turn("```python\nprint(2)\n", tokens=min(10, body["max_tokens"]))

    fields, model = solve(sandbox_url, script, inference=InferenceConfig(tokens_to_generate=25))
    assert [body["max_tokens"] for body in model.bodies] == [25, 15, 5]
    assert fields["num_generated_tokens"] == 25 and fields["code_stop_reason"] == "token_budget"
    assert fields["num_code_executions"] == 3


def test_boxed_answer_before_a_block_stops_without_running_it(sandbox_url: str) -> None:
    fields, model = solve(sandbox_url, lambda body: Turn("It is \\boxed{5}.\n```python\nprint(5)\n"))
    assert len(model.bodies) == 1 and fields["code_steps"] == [] and fields["code_stop_reason"] == "boxed"


def test_raw_completion_mode_appends_to_the_prompt_text(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        return Turn(FIRST) if "```output" not in body["prompt"] else Turn("\\boxed{42}", stop_reason=None)

    fields, model = solve(sandbox_url, script, template="chatml")
    first, second = model.bodies
    assert first["prompt"].endswith("<|im_start|>assistant\n") and set(first["stop"]) == {"<|im_end|>", "```\n"}
    assert second["prompt"] == first["prompt"] + FIRST + "```\n```output\n42\nnote\n```\n"
    assert "continue_final_message" not in second
    assert fields["generation"].endswith("```output\n42\nnote\n```\n\\boxed{42}")


def test_llm_code_tags_and_a_closed_block_at_end_of_sequence(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        if not assistant_so_far(body):
            return Turn("<llm-code>\nprint(3 ** 2)\n</llm-code>", stop_reason=None)  # EOS right after the tag
        return Turn("\\boxed{9}", stop_reason=None)

    fields, model = solve(sandbox_url, script, code={"tags": "llm-code"})
    assert model.bodies[0]["stop"] == ["</llm-code>\n"]
    assert model.bodies[1]["messages"][-1]["content"] == (
        "<llm-code>\nprint(3 ** 2)\n</llm-code>\n<llm-code-output>\n9\n</llm-code-output>\n"
    )
    assert fields["code_steps"][0]["stdout"] == "9\n"


def test_long_output_is_cut_for_the_model_and_on_the_step(sandbox_url: str) -> None:
    def script(body: dict[str, Any]) -> Turn:
        return Turn("```python\nprint('x' * 5000)\n") if not assistant_so_far(body) else Turn("done", stop_reason=None)

    fields, model = solve(sandbox_url, script, code={"max_output_characters": 200})
    shown = model.bodies[1]["messages"][-1]["content"].split("```output\n", 1)[1]
    assert "characters cut]" in shown and len(shown) < 300
    assert fields["code_steps"][0]["output_truncated"] is True and len(fields["code_steps"][0]["stdout"]) < 300


def test_sandbox_failure_is_recorded_on_the_step_with_the_reason() -> None:
    from nskit.proc import free_port

    dead = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    config = GenerationConfig(code=CodeExecutionConfig(enabled=True), sandbox_address=dead)
    job = GenerationJob(input_file=Path("in.jsonl"), output_file=Path("out.jsonl"),
                        prompt_config=PromptConfig(user="{problem}"), inference=config.inference)

    async def run() -> dict[str, Any]:
        async with scripted_model(lambda body: Turn("```python\nprint(1)\n")) as model:
            client = ModelClient(model.base_url, retry=RetryPolicy(max_retries=0))
            strategy = CodeExecutionStrategy(SandboxClient(dead), config.code)
            try:
                return await strategy(client, job, {"problem": "p"})
            finally:
                await client.close()
                await strategy.sandbox.aclose()

    fields = asyncio.run(run())
    [step] = fields["code_steps"]
    assert step["status"] == "sandbox_error" and dead in step["error"]
    assert fields["error"].startswith("sandbox: ") and fields["code_stop_reason"] == "sandbox_error"
    assert fields["generation"] == "```python\nprint(1)\n```\n"  # nothing invented as output

    async def open_dead() -> None:
        async with open_code_execution(config):
            raise AssertionError("opened a strategy on a sandbox that does not answer")

    with pytest.raises(SandboxDown, match=f"the sandbox at {dead} does not answer"):
        asyncio.run(open_dead())
    with pytest.raises(ValueError, match="needs a sandbox"):
        asyncio.run(open_code_execution(GenerationConfig(code=CodeExecutionConfig(enabled=True))).__aenter__())


def test_many_problems_concurrently_each_in_its_own_session(sandbox_url: str, tmp_path: Path) -> None:
    count = 24

    def script(body: dict[str, Any]) -> Turn:
        number = int(body["messages"][0]["content"].split()[-1])
        done = assistant_so_far(body).count("```output")
        return [Turn(f"```python\nv = {number}\n"), Turn("```python\nprint(v * v)\n"),
                Turn(f"\\boxed{{{number * number}}}", stop_reason=None)][done]

    source = tmp_path / "in.jsonl"
    write_jsonl(source, [{"id": i, "problem": f"square {i}"} for i in range(count)])
    config = GenerationConfig(code=CodeExecutionConfig(enabled=True), sandbox_address=sandbox_url)
    job = GenerationJob(input_file=source, output_file=tmp_path / "out.jsonl",
                        prompt_config=PromptConfig(user="{problem}"), inference=config.inference)

    async def run() -> None:
        async with scripted_model(script) as model:
            client = ModelClient(model.base_url, retry=RetryPolicy(max_retries=0))
            try:
                async with open_code_execution(config) as strategy:
                    summary = await run_jobs([job], client, max_concurrent=count, strategy=strategy)
            finally:
                await client.close()
        assert summary.requested == count and summary.errors == 0

    asyncio.run(run())
    records = list(iter_jsonl(job.output_file))
    assert [r["id"] for r in records] == list(range(count))
    for record in records:
        i = record["id"]
        assert [s["stdout"] for s in record["code_steps"]] == ["", f"{i * i}\n"]
        assert not any(s["session_reset"] for s in record["code_steps"])
        assert record["generation"].endswith(f"```output\n{i * i}\n```\n\\boxed{{{i * i}}}")


def test_a_streak_of_sandbox_failures_aborts_the_run() -> None:
    from nskit.proc import free_port

    dead = f"http://127.0.0.1:{free_port()}"
    config = GenerationConfig(code=CodeExecutionConfig(enabled=True), sandbox_address=dead)
    job = GenerationJob(input_file=Path("in.jsonl"), output_file=Path("out.jsonl"),
                        prompt_config=PromptConfig(user="{problem}"), inference=config.inference)

    async def run() -> dict[str, Any]:
        async with scripted_model(lambda body: Turn("```python\nprint(1)\n")) as model:
            client = ModelClient(model.base_url, retry=RetryPolicy(max_retries=0))
            strategy = CodeExecutionStrategy(SandboxClient(dead), config.code, sandbox_error_budget=2)
            try:
                first = await strategy(client, job, {"problem": "p"})  # failure 1: recorded on the step
                with pytest.raises(SandboxDown, match="2 code executions in a row failed"):
                    await strategy(client, job, {"problem": "q"})
                return first
            finally:
                await client.close()
                await strategy.sandbox.aclose()

    assert asyncio.run(run())["code_steps"][0]["status"] == "sandbox_error"
