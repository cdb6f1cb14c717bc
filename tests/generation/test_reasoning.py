"""Reasoning models: recorded `<think>` outputs split, graded on the answer only, tokens counted; and the real vLLM
server with `++parse_reasoning`, `++chat_template_kwargs`, `++inference.reasoning_effort`, `++extra_body`."""

from __future__ import annotations

import asyncio
import re
import json
from pathlib import Path

import pytest

from nskit.generation.client import ModelClient
from nskit.generation.command import GenerateRequest, run_generate
from nskit.generation.reasoning import ReasoningSettings, reasoning_fields, split_completion, split_text
from nskit.grading.files import grade_files
from nskit.metrics import summarize
from nskit.metrics.render import format_tables
from nskit.records import read_jsonl

THINK = ReasoningSettings(parse=True)

# Recorded the way a DeepSeek-R1-style model writes them (generation text, finish_reason, completion tokens).
RECORDED = [
    # a trace, then the boxed answer after it; a wrong boxed guess inside the thinking must not be graded
    ("4", "<think>\n2 + 2... is it \\boxed{5}? No: 2 + 2 = 4.\n</think>\n\nThe sum is $\\boxed{4}$.", "stop", 41),
    # the boxed answer only inside the thinking: the answer part has none
    ("7", "<think>So the result is \\boxed{7}.</think>\nI have finished thinking.", "stop", 19),
    # cut at the token limit inside the thinking: no answer at all
    ("9", "<think>\nLet me consider the cases one by one. First, if n = 1 then", "length", 16),
]


def test_split_text_cases() -> None:
    first = split_text(RECORDED[0][1], THINK)
    assert (first.answer, first.finished) == ("The sum is $\\boxed{4}$.", True)
    assert first.reasoning == "\n2 + 2... is it \\boxed{5}? No: 2 + 2 = 4.\n"
    assert split_text("plan</think>a</think> final", THINK).answer == "final"  # the last end tag closes it
    cut = split_text(RECORDED[2][1], THINK)
    assert (cut.answer, cut.finished) == ("", False) and cut.reasoning.startswith("\nLet me consider")
    custom = ReasoningSettings(parse=True, start="<reason>", end="</reason>")
    assert split_text("<reason>x</reason>\\boxed{1}", custom).answer == "\\boxed{1}"
    assert split_completion("plain text", None, "stop", ReasoningSettings()) is None  # not a reasoning run
    assert split_completion("<think>x</think>y", None, "stop", ReasoningSettings(parse=False)) is None


def test_server_reasoning_content_is_used_by_default() -> None:
    split = split_completion("\\boxed{3}", "thinking...", "stop", ReasoningSettings())
    assert (split.answer, split.reasoning, split.finished) == ("\\boxed{3}", "thinking...", True)
    cut = split_completion("", "thinking that never ended", "length", ReasoningSettings())
    assert (cut.answer, cut.finished) == ("", False)


@pytest.mark.vllm
def test_recorded_outputs_graded_on_the_answer_and_tokens_counted(tmp_path: Path, vllm_server: str) -> None:
    from tokenizers import Tokenizer

    from nskit.models.embedded import embedded_model_dir

    tokenizer = Tokenizer.from_file(str(embedded_model_dir() / "tokenizer.json"))  # counted here, independently

    async def fields() -> list[dict]:
        client = ModelClient(vllm_server)
        try:
            out = []
            for _, text, finish, tokens in RECORDED:
                split = split_completion(text, None, finish, THINK)
                out.append(await reasoning_fields(split, tokens, None, client.count_tokens))
            return out
        finally:
            await client.close()

    records = []
    for (expected, _, finish, tokens), extra in zip(RECORDED, asyncio.run(fields())):
        records.append({"id": expected, "problem": "p", "expected_answer": expected, "finish_reason": finish,
                        "num_generated_tokens": tokens, **extra})
    output = tmp_path / "bench" / "output.jsonl"
    output.parent.mkdir()
    output.write_text("".join(json.dumps(r) + "\n" for r in records))
    grade_files([output], workers=1)
    graded = read_jsonl(output)
    assert [(r["predicted_answer"], r["symbolic_correct"]) for r in graded] == [("4", True), (None, False), (None, False)]
    assert [r["finished_thinking"] for r in graded] == [True, True, False]
    answer_tokens = len(tokenizer.encode("The sum is $\\boxed{4}$.", add_special_tokens=False).ids)
    assert graded[0]["num_answer_tokens"] == answer_tokens
    assert graded[0]["num_reasoning_tokens"] == 41 - answer_tokens
    assert (graded[2]["num_reasoning_tokens"], graded[2]["num_answer_tokens"]) == (16, 0)
    assert all(r["num_reasoning_tokens"] + r["num_answer_tokens"] == r["num_generated_tokens"] for r in graded)

    (result,) = summarize(tmp_path).benchmarks
    table = format_tables([result])
    header = next(line for line in table.splitlines() if line.startswith("evaluation_mode"))
    assert [c.strip() for c in header.split(" | ")] == [
        "evaluation_mode", "num_entries", "avg_tokens", "reasoning_tokens", "answer_tokens", "symbolic_correct",
        "no_answer"]
    answers = [answer_tokens, len(tokenizer.encode("I have finished thinking.", add_special_tokens=False).ids), 0]
    assert result.row("greedy").token_split == {
        "reasoning_tokens": int((41 + 19 + 16 - sum(answers)) / 3), "answer_tokens": int(sum(answers) / 3)}


def _generate(tmp_path: Path, server: str, *overrides: str) -> dict:
    source, output = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text(json.dumps({"id": 0, "problem": "What is 2 + 2?", "expected_answer": "4"}) + "\n")
    output.unlink(missing_ok=True)
    run_generate(GenerateRequest(input_file=source, output_file=output, server_address=server,
                                 overrides=["++inference.tokens_to_generate=8", *overrides], rerun_done=True))
    (record,) = read_jsonl(output)
    return record


@pytest.mark.vllm
def test_request_fields_reach_the_real_server(tmp_path: Path, vllm_server: str) -> None:
    """What we pass through is the server's to accept or reject: we neither drop nor filter it."""
    accepted = _generate(tmp_path, vllm_server, "++chat_template_kwargs.enable_thinking=false",
                         "++inference.reasoning_effort=high")
    assert "error" not in accepted and accepted["num_generated_tokens"] > 0
    bad_effort = _generate(tmp_path, vllm_server, "++inference.reasoning_effort=bogus")
    assert "http_400" in bad_effort["error"] and "reasoning_effort" in bad_effort["error"]
    # `chat_template` is a field nskit knows nothing about; vLLM refuses it without --trust-request-chat-template
    for override in ("++extra_body.chat_template={{ messages }}", "++chat_template_kwargs.chat_template={{ x }}"):
        refused = _generate(tmp_path, vllm_server, override)
        assert "http_400" in refused["error"] and "chat template" in refused["error"], refused["error"]
    bad_kwargs = _generate(tmp_path, vllm_server, "++inference.extra_body.chat_template_kwargs=5")
    assert "chat_template_kwargs" in bad_kwargs["error"]


@pytest.mark.vllm
def test_parse_reasoning_on_a_model_that_never_closes_its_thinking(tmp_path: Path, vllm_server: str) -> None:
    """SmolLM2 writes no `</think>`: with ++parse_reasoning=true its whole text is an unfinished thinking."""
    record = _generate(tmp_path, vllm_server, "++parse_reasoning=true")
    assert record["generation"] == "" and record["finished_thinking"] is False and record["reasoning_content"]
    assert (record["num_reasoning_tokens"], record["num_answer_tokens"]) == (record["num_generated_tokens"], 0)


def _thinking_model(tmp_path: Path) -> Path:
    """The embedded model with two unused special tokens renamed `<think>` / `</think>` (same ids, same weights), so
    that vLLM's deepseek_r1 reasoning parser, which looks these tokens up in the vocabulary, can run on it."""
    from nskit.models.embedded import embedded_model_dir

    source, copy = embedded_model_dir(), tmp_path / "smollm2-think"
    copy.mkdir()
    for item in source.iterdir():
        if item.name != "tokenizer.json":
            (copy / item.name).symlink_to(item)
    tokenizer = json.loads((source / "tokenizer.json").read_text())
    renames = {"<repo_name>": "<think>", "<reponame>": "</think>"}
    for token in tokenizer["added_tokens"]:
        token["content"] = renames.get(token["content"], token["content"])
    vocab = tokenizer["model"]["vocab"]
    for old, new in renames.items():
        vocab[new] = vocab.pop(old)
    (copy / "tokenizer.json").write_text(json.dumps(tokenizer))
    return copy


@pytest.mark.slow
@pytest.mark.vllm
def test_server_args_reasoning_parser_with_the_local_vllm(tmp_path: Path, mirror_dir: Path) -> None:
    """`--server_args="--reasoning-parser deepseek_r1"` reaches the vLLM that `ns eval` starts; its reasoning field is
    kept in reasoning_content (SmolLM2 never writes `</think>`, so vLLM files the whole text as thinking)."""
    from tests.helpers import ns

    out = tmp_path / "run"
    result = ns(
        "eval", f"--model={_thinking_model(tmp_path)}", "--server_type=vllm",
        "--server_args=--reasoning-parser deepseek_r1", "--benchmarks=gsm8k", f"--output_dir={out}",
        f"--data_dir={tmp_path / 'data'}", f"--mirror={mirror_dir}", "++max_samples=2",
        "++inference.tokens_to_generate=16",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "--reasoning-parser deepseek_r1" in (out / "logs" / "server.log").read_text()
    records = read_jsonl(out / "eval-results" / "gsm8k" / "output.jsonl")
    for record in records:
        assert record["reasoning_content"] and record["generation"] == "", record
        assert record["predicted_answer"] is None
        assert record["num_reasoning_tokens"] == record["num_generated_tokens"] and record["num_answer_tokens"] == 0
    assert re.search(r"reasoning_tokens \| answer_tokens", result.stdout), result.stdout
