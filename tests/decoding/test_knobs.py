"""Knob values as settings, as `vllm_xargs`, and the processor's per-request bookkeeping inside vLLM's batch."""

from __future__ import annotations

import pytest
import torch

from nskit.decoding.knobs import PROBE_ANSWER, PROBE_KEY, check_knob, from_xargs, to_xargs


def test_knobs_round_trip_through_xargs() -> None:
    values = {"epsilon": 0.2, "edt": (0.8, 1.0, 0.7), "dynamic_top_k": (1,) * 10, "greedy_threshold": None}
    xargs = to_xargs(values)
    assert xargs == {"nskit_epsilon": 0.2, "nskit_edt": [0.8, 1.0, 0.7], "nskit_dynamic_top_k": [1] * 10}
    assert from_xargs({**xargs, "other_processor": 3}, temperature=0.7) == {
        "epsilon": 0.2, "edt": (0.8, 1.0, 0.7), "dynamic_top_k": (1,) * 10
    }


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("epsilon", 1.0, r"\[0, 1\)"),
        ("greedy_threshold", -0.1, r"\[0, 1\]"),
        ("hewitt_epsilon", 0.0, r"\(0, 1\)"),
        ("dynamic_top_k", [1] * 9, "ten integers"),
        ("dynamic_top_k", [1] * 9 + [0], ">= 1"),
        ("edt", [0.8, 1.0], "three numbers"),
        ("edt", [0.0, 1.0, 1.0], "N and T0"),
        ("confidence_bin", 11, "1..10"),
        ("calibrated", [0.0, 1.0, 0.0], "threshold"),
        ("epsilon", "0.2", "finite number"),
    ],
)
def test_bad_values_name_the_knob(name: str, value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        check_knob(name, value)


def test_unknown_knob_and_greedy_requests_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown decoding knob 'nskit_epsilom'.*nskit_epsilon"):
        from_xargs({"nskit_epsilom": 0.1})
    with pytest.raises(ValueError, match="edt need"):
        from_xargs({"nskit_edt": [0.8, 1.0, 1.0]}, temperature=0.0)
    assert from_xargs({"nskit_epsilon": 0.1}, temperature=0.0) == {"epsilon": 0.1}
    with pytest.raises(ValueError, match=PROBE_ANSWER):
        from_xargs({PROBE_KEY: 1})


def test_processor_follows_requests_as_the_batch_changes() -> None:
    from vllm import SamplingParams
    from vllm.v1.sample.logits_processor import BatchUpdate, MoveDirectionality

    from nskit.decoding.processor import DecodingLogitsProcessor

    proc = DecodingLogitsProcessor(None, torch.device("cpu"), False)  # type: ignore[arg-type]
    assert proc.is_argmax_invariant() is False
    greedy_k = SamplingParams(temperature=1.0, extra_args={"nskit_dynamic_top_k": [1] * 10})
    plain = SamplingParams(temperature=1.0)
    eps = SamplingParams(temperature=0.5, extra_args={"nskit_epsilon": 0.2})
    proc.update_state(BatchUpdate(batch_size=3, removed=[], added=[(0, greedy_k, [], []), (1, plain, [], []),
                                                                     (2, eps, [], [])], moved=[]))
    assert set(proc.rows) == {0, 2}
    # request 0 leaves; request 2 moves into its row
    proc.update_state(BatchUpdate(batch_size=2, removed=[0], added=[],
                                  moved=[(2, 0, MoveDirectionality.UNIDIRECTIONAL)]))
    assert set(proc.rows) == {0} and proc.rows[0] == ({"epsilon": 0.2}, 0.5)
    logits = torch.log(torch.tensor([[0.55, 0.25, 0.12, 0.08], [0.4, 0.3, 0.2, 0.1]]))
    out = proc.apply(logits.clone())
    assert torch.isinf(out[0, 2:]).all() and torch.isfinite(out[0, :2]).all()
    torch.testing.assert_close(out[1], logits[1])
    with pytest.raises(ValueError, match="unknown decoding knob"):
        DecodingLogitsProcessor.validate_params(SamplingParams(extra_args={"nskit_nope": 1}))


def test_vllm_loads_the_processor_unless_its_flags_forbid_it() -> None:
    from nskit.decoding.launch import PROCESSOR, server_args

    assert server_args(["--enforce-eager"]) == ["--logits-processors", PROCESSOR]
    assert server_args(["--convert", "classify"]) == []  # pooling models refuse custom processors
    assert server_args(["--speculative-config={}"]) == []
    assert server_args(["--logits-processors", "mine:Proc"]) == []


def test_eval_adds_the_processor_only_when_a_knob_is_set() -> None:
    from nskit.config.settings import generation_settings
    from nskit.pipeline.eval_plan import decoding_server_args

    assert decoding_server_args("vllm", generation_settings(["++inference.epsilon=0.1"]), [])[0] == "--logits-processors"
    assert decoding_server_args("vllm", generation_settings(["++inference.token_log=5", "++max_samples=3"]), []) == []
    assert decoding_server_args("sglang", generation_settings(["++inference.epsilon=0.1"]), []) == []


def test_token_log_and_code_execution_do_not_mix() -> None:
    from nskit.config.generation import GenerationConfig
    from nskit.config.overrides import OverrideError, build_config

    with pytest.raises(OverrideError, match="token_log.*code_execution"):
        build_config(GenerationConfig, {"code_execution": True, "inference": {"token_log": 5}})


def test_sampling_knobs_on_a_greedy_file_are_refused_before_anything_runs(tmp_path) -> None:  # noqa: ANN001
    from nskit.config.generation import GenerationConfig
    from nskit.config.overrides import build_config
    from nskit.errors import UserError
    from nskit.generation.command import make_job

    greedy = build_config(GenerationConfig, {"inference": {"edt": [0.8, 1.0, 1.0]}})
    with pytest.raises(UserError, match="output.jsonl is generated greedily.*edt.*--skip_greedy"):
        make_job(greedy, tmp_path / "in.jsonl", tmp_path / "output.jsonl", "m")
    sampled = build_config(GenerationConfig, {"inference": {"edt": [0.8, 1.0, 1.0], "temperature": 0.7}})
    assert make_job(sampled, tmp_path / "in.jsonl", tmp_path / "output-rs0.jsonl", "m").inference.edt == [0.8, 1.0, 1.0]
