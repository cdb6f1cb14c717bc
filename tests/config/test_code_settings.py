"""Code-execution settings: the nested `++code.*` model, the flat `++code_*` spellings kept as aliases, and the
resume fingerprint, which keeps the flat layout so partial files written before the nesting still resume."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nskit.config.generation import FLAT_CODE_SETTINGS, CodeExecutionConfig, GenerationConfig, record_settings
from nskit.config.overrides import OverrideError
from nskit.config.settings import as_overrides, generation_settings
from nskit.generation.command import make_job
from nskit.records import PartialOutput, RecordFileError

FLAT = ["++code_execution=true", "++max_code_executions=4", "++code_tags=llm-code", "++code_begin=<c>",
        "++code_end=</c>", "++code_output_begin=<o>", "++code_output_end=</o>", "++code_output_format=llama",
        "++code_timeout=5", "++max_code_output_characters=300"]
NESTED = ["++code.enabled=true", "++code.max_executions=4", "++code.tags=llm-code", "++code.begin=<c>",
          "++code.end=</c>", "++code.output_begin=<o>", "++code.output_end=</o>", "++code.output_format=llama",
          "++code.timeout=5", "++code.max_output_characters=300"]
EXPECTED = CodeExecutionConfig(enabled=True, max_executions=4, tags="llm-code", begin="<c>", end="</c>",
                               output_begin="<o>", output_end="</o>", output_format="llama", timeout=5,
                               max_output_characters=300)

# record_settings() of `++code_execution=true ++code_tags=llm-code ++max_code_executions=4 ++code_timeout=5`, as the
# code before the nesting wrote it into the `.meta` sidecar of a partial file (captured from that code).
OLD_SIDECAR_SETTINGS = json.loads("""{"code_begin": null, "code_end": null, "code_execution": true,
 "code_output_begin": null, "code_output_end": null, "code_output_format": "qwen", "code_tags": "llm-code",
 "code_timeout": 5.0, "end_reasoning_string": "</think>", "inference": {"calibrated": null,
 "chat_template_kwargs": {}, "confidence_bin": null, "dynamic_top_k": null, "edt": null, "epsilon": null,
 "extra_body": {}, "greedy_threshold": null, "hewitt_epsilon": null, "min_p": 0.0, "random_seed": 0,
 "reasoning_effort": null, "repetition_penalty": 1.0, "stop_phrases": [], "temperature": 0.0, "token_log": null,
 "tokens_to_generate": 2048, "top_k": -1, "top_logprobs": null, "top_p": 1.0}, "max_code_executions": 4,
 "max_code_output_characters": 1000, "parse_reasoning": null, "prompt_config": null, "prompt_template": null,
 "start_reasoning_string": "<think>", "system_message": null}""")
OLD_RUN = ["++code_execution=true", "++code_tags=llm-code", "++max_code_executions=4", "++code_timeout=5"]


def test_every_flat_spelling_sets_its_nested_field() -> None:
    assert set(FLAT_CODE_SETTINGS) == {arg[2:].split("=")[0] for arg in FLAT}
    assert set(FLAT_CODE_SETTINGS.values()) == set(CodeExecutionConfig.model_fields)
    assert generation_settings(FLAT).code == EXPECTED
    assert generation_settings(NESTED).code == EXPECTED
    # Python keyword arguments take the flat names too, and the two spellings may set different fields.
    assert GenerationConfig(code_execution=True, code_timeout=5).code == CodeExecutionConfig(enabled=True, timeout=5)
    mixed = generation_settings(["++code_execution=true", "++code.timeout=5", "++max_code_executions=2"])
    assert mixed.code == CodeExecutionConfig(enabled=True, timeout=5, max_executions=2)


def test_settings_travel_to_a_step_in_the_nested_spelling() -> None:
    settings = generation_settings(["++code_execution=true", "++code_tags=llm-code", "++max_samples=2"])
    argv = as_overrides(settings)
    assert argv == ["++max_samples=2", "++code.enabled=true", "++code.tags=llm-code"]
    assert generation_settings(argv) == settings


@pytest.mark.parametrize(("flat", "nested"), FLAT_CODE_SETTINGS.items())
def test_one_setting_in_both_spellings_is_refused(flat: str, nested: str) -> None:
    value = EXPECTED.model_dump()[nested]
    with pytest.raises(OverrideError) as info:
        generation_settings({flat: value, "code": {nested: value}})
    assert str(info.value) == f"++{flat} and ++code.{nested} are two spellings of one setting: give only one"


def test_both_spellings_on_the_command_line_name_both() -> None:
    with pytest.raises(OverrideError, match=r"^\+\+code_execution and \+\+code.enabled are two spellings"):
        generation_settings(["++code.enabled=false", "++code_execution=true"])


def test_a_misspelt_code_key_lists_the_valid_ones() -> None:
    for wrong in ("++code.timout=5", "++code_timout=5"):
        with pytest.raises(OverrideError) as info:
            generation_settings([wrong])
        message = str(info.value)
        assert f"unknown setting {wrong.split('=')[0]}" in message
        assert "valid settings:" in message
        assert all(f"++code.{field}," in message for field in CodeExecutionConfig.model_fields)
    with pytest.raises(OverrideError, match=r"bad value for \+\+code.max_executions: .*greater than or equal to 0"):
        generation_settings(["++max_code_executions=-1"])


def test_the_fingerprint_keeps_the_flat_layout_of_older_partial_files() -> None:
    flat, nested = generation_settings(OLD_RUN), generation_settings(
        ["++code.enabled=true", "++code.tags=llm-code", "++code.max_executions=4", "++code.timeout=5"])
    assert record_settings(flat) == record_settings(nested) == OLD_SIDECAR_SETTINGS
    assert "code" not in record_settings(generation_settings())


def test_a_partial_file_from_before_the_nesting_resumes_and_a_changed_code_setting_is_refused(tmp_path: Path) -> None:
    source, final = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    source.write_text('{"problem": "1+1"}\n')
    old_fingerprint = {**make_job(generation_settings(OLD_RUN), source, final, "m").fingerprint(),
                       "settings": OLD_SIDECAR_SETTINGS}
    partial = PartialOutput(final, old_fingerprint)
    partial.open()
    partial.append(0, {"problem": "1+1", "generation": "2"})
    partial.close()

    resumed = make_job(generation_settings(["++code.enabled=true", "++code.tags=llm-code", "++code.max_executions=4",
                                            "++code.timeout=5"]), source, final, "m")
    assert list(PartialOutput(final, resumed.fingerprint()).load()) == [0]
    changed = make_job(generation_settings([*OLD_RUN, "++code.max_output_characters=50"]), source, final, "m")
    with pytest.raises(RecordFileError, match="other settings \\(changed: settings\\)"):
        PartialOutput(final, changed.fingerprint()).load()
