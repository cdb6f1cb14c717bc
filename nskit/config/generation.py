"""Settings of one generation step, set with `++key=value` on `ns generate` / `ns eval`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from nskit.config.scaling import (
    SCALING_SETTINGS,
    BeamSearchSettings,
    BestOfNSettings,
    ModelSelectionSettings,
    Plan2CodeSettings,
    RevisionSettings,
    SelfConsistencySettings,
    SelfRefineSettings,
)
from nskit.decoding.knobs import KNOBS, check_knob


class Strict(BaseModel):
    """Base for configs: unknown keys are errors, assignments are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class InferenceConfig(Strict):
    """Sampling parameters sent with every request."""

    temperature: float = Field(0.0, ge=0.0)
    top_p: float = Field(1.0, gt=0.0, le=1.0)
    top_k: int = -1
    min_p: float = Field(0.0, ge=0.0, le=1.0)
    repetition_penalty: float = Field(1.0, gt=0.0)
    tokens_to_generate: int = Field(2048, gt=0)
    random_seed: int = 0
    top_logprobs: int | None = Field(None, ge=0, description="ask for per-token logprobs with this many alternatives")
    stop_phrases: list[str] = Field(default_factory=list)
    reasoning_effort: str | None = Field(None, description="sent as is (gpt-oss, o-series: low | medium | high)")
    chat_template_kwargs: dict[str, Any] = Field(
        default_factory=dict, description="arguments of the server's chat template (e.g. enable_thinking)"
    )
    extra_body: dict[str, Any] = Field(
        default_factory=dict, description="any other request field, sent as is; the server accepts or rejects it"
    )
    # Decoding knobs, applied inside vLLM by nskit's logits processor (docs/decoding.md has each formula).
    greedy_threshold: float | None = Field(None, description="top-1 when its probability is at least this, else sample")
    epsilon: float | None = Field(None, description="epsilon sampling: drop tokens with probability below this")
    hewitt_epsilon: float | None = Field(None, description="eta sampling: drop p < min(eta, sqrt(eta) exp(-H))")
    dynamic_top_k: list[int] | None = Field(None, description="ten k's, one per tenth of the top-1 probability")
    edt: list[float] | None = Field(None, description="[N, theta, T0]: sample at T = T0 * N^(theta / H)")
    confidence_bin: int | None = Field(None, description="sample only where the top-1 probability is in tenth b, greedy elsewhere")
    calibrated: list[float] | None = Field(None, description="[A, B, threshold]: keep tokens with exp(A) p^B >= threshold")
    token_log: int | None = Field(
        None, ge=1, le=20, description="log each step's chosen token and top-K alternatives to a sidecar file"
    )

    @field_validator(*KNOBS, mode="before")
    @classmethod
    def _knob(cls, value: object, info: ValidationInfo) -> object:
        checked = check_knob(str(info.field_name), value)
        return list(checked) if isinstance(checked, tuple) else checked

    def knobs(self) -> dict[str, object]:
        """The decoding knobs that are set, by name."""
        return {name: getattr(self, name) for name in KNOBS if getattr(self, name) is not None}


class CodeExecutionConfig(Strict):
    """Tool-integrated reasoning: run the model's code in the sandbox and feed the output back (`++code.*`)."""

    enabled: bool = Field(False, description="turn the loop on (NeMo-Skills: ++code_execution=true)")
    max_executions: int = Field(8, ge=0, description="code blocks executed per solution at most")
    tags: Literal["markdown", "llm-code"] = Field(
        "markdown", description="marker preset: ```python/```output or <llm-code>/<llm-code-output>"
    )
    begin: str | None = Field(None, description="opens a code block (default: from tags)", min_length=1)
    end: str | None = Field(None, description="closes a code block; sent as a stop phrase", min_length=1)
    output_begin: str | None = Field(None, description="opens the output block fed back", min_length=1)
    output_end: str | None = Field(None, description="closes the output block fed back", min_length=1)
    output_format: Literal["qwen", "llama"] = Field(
        "qwen", description="qwen: stdout then stderr; llama: status line and [stdout]/[stderr] sections"
    )
    timeout: float = Field(10.0, gt=0, description="wall/CPU seconds per executed block")
    max_output_characters: int = Field(1000, gt=0, description="longer outputs are cut in the middle")


FLAT_CODE_SETTINGS = {
    "code_execution": "enabled",
    "max_code_executions": "max_executions",
    "code_tags": "tags",
    "code_begin": "begin",
    "code_end": "end",
    "code_output_begin": "output_begin",
    "code_output_end": "output_end",
    "code_output_format": "output_format",
    "code_timeout": "timeout",
    "max_code_output_characters": "max_output_characters",
}
"""The flat spellings (`++code_execution=true`, as in NeMo-Skills) and the `code.` field each one sets."""


class GenerationConfig(Strict):
    """Everything that decides what is sent to the server and how hard the client pushes."""

    prompt_config: str | None = Field(None, description="prompt config name (generic/math) or YAML path")
    prompt_template: str | None = Field(None, description="raw completion mode: template name or YAML path")
    system_message: str | None = None
    inference: InferenceConfig = Field(default_factory=InferenceConfig)
    max_concurrent_requests: int = Field(
        512, gt=0, validation_alias=AliasChoices("max_concurrent_requests", "batch_size"),
        description="requests in flight at once; ++batch_size is NeMo-Skills' name for it",
    )
    max_samples: int = Field(-1, description="only the first N problems (-1 = all)")
    request_timeout: float = Field(1800.0, gt=0)
    max_retries: int = Field(6, ge=0)
    error_budget: int = Field(
        20, ge=1, description="abort after this many consecutive requests fail for good (server clearly down)"
    )
    code: CodeExecutionConfig = Field(
        default_factory=CodeExecutionConfig, description="code execution (tool-integrated reasoning): docs/code_execution.md"
    )
    sandbox_address: str | None = Field(None, description="URL of the sandbox service (ns eval sets it)")
    strategy: str | None = Field(None, description="test-time scaling strategy (docs/strategies.md)")
    best_of_n: BestOfNSettings = Field(default_factory=BestOfNSettings)
    self_consistency: SelfConsistencySettings = Field(default_factory=SelfConsistencySettings)
    self_refine: SelfRefineSettings = Field(default_factory=SelfRefineSettings)
    revision: RevisionSettings = Field(default_factory=RevisionSettings)
    beam_search: BeamSearchSettings = Field(default_factory=BeamSearchSettings)
    model_selection: ModelSelectionSettings = Field(default_factory=ModelSelectionSettings)
    plan2code: Plan2CodeSettings = Field(default_factory=Plan2CodeSettings)
    problem_ids: str | list[str | int] | None = Field(
        None, description="only these problem ids: a list, or a file with one id per line"
    )
    reward_server_address: str | None = Field(None, description="URL of the reward model server (ns eval sets it)")
    reward_model: str | None = Field(None, description="reward model name sent to the server (default: its first)")

    @field_validator("strategy")
    @classmethod
    def _known_strategy(cls, value: str | None) -> str | None:
        if value is not None and value not in SCALING_SETTINGS:
            raise ValueError(f"unknown strategy {value!r}; known: {', '.join(SCALING_SETTINGS)}")
        return value
    batch_api: bool = Field(False, description="send requests as batch files (OpenAI Batch API, or vLLM's run_batch)")
    batch_poll_interval: float = Field(60.0, gt=0, description="seconds between two looks at the batches in flight")
    batch_max_requests: int = Field(50_000, gt=0, description="requests per batch at most (the API's limit)")
    batch_max_bytes: int = Field(190_000_000, gt=0, description="bytes per batch input file at most (API: 200 MB)")
    batch_completion_window: str = Field("24h", description="how long the API may take for a batch")
    parse_reasoning: bool | None = Field(
        None,
        description="split the thinking from the answer (True: by end_reasoning_string in the text; default: "
        "only when the server returns reasoning_content); only the answer is graded",
    )
    start_reasoning_string: str = Field("<think>", min_length=1, description="opens the thinking (dropped if present)")
    end_reasoning_string: str = Field("</think>", min_length=1, description="closes the thinking")

    @model_validator(mode="before")
    @classmethod
    def _request_fields_live_in_inference(cls, data: Any) -> Any:
        """`++chat_template_kwargs.X` and `++extra_body.X` (NeMo-Skills' top-level spellings) go to `inference`."""
        if isinstance(data, dict) and ("chat_template_kwargs" in data or "extra_body" in data):
            data = dict(data)
            inference = dict(data.get("inference") or {})
            for key in ("chat_template_kwargs", "extra_body"):
                if key in data:
                    inference[key] = {**(inference.get(key) or {}), **(data.pop(key) or {})}
            data["inference"] = inference
        return data

    @model_validator(mode="before")
    @classmethod
    def _flat_code_settings_live_in_code(cls, data: Any) -> Any:
        """`++code_execution=true`, `++code_tags=...` (the flat spellings) set the fields of `code`."""
        if not isinstance(data, dict) or not FLAT_CODE_SETTINGS.keys() & data.keys():
            return data
        code = data.get("code")
        if isinstance(code, CodeExecutionConfig):
            code = code.model_dump(exclude_unset=True)
        if not isinstance(code, dict | None):
            return data  # pydantic reports the bad `code` (and the flat keys left over)
        data, code = dict(data), dict(code or {})
        for flat, nested in FLAT_CODE_SETTINGS.items():
            if flat in data:
                if nested in code:
                    raise ValueError(f"++{flat} and ++code.{nested} are two spellings of one setting: give only one")
                code[nested] = data.pop(flat)
        data["code"] = code
        return data

    @model_validator(mode="after")
    def _token_log_needs_one_request(self) -> GenerationConfig:
        if self.code.enabled and self.inference.token_log:
            raise ValueError("inference.token_log logs one request per record: it cannot be combined with "
                             "code.enabled (++code_execution)")
        if self.strategy and (self.code.enabled or self.inference.token_log or self.batch_api):
            raise ValueError(f"++strategy={self.strategy} cannot be combined with code.enabled, inference.token_log "
                             "or batch_api")
        return self


SAMPLING_DEFAULTS = {"inference": {"temperature": 0.7, "top_p": 0.95, "top_k": -1}}
"""What `:N` (N > 0) seeds use unless overridden, as in NeMo-Skills."""


RUN_ONLY_SETTINGS = {"max_concurrent_requests", "request_timeout", "max_retries", "error_budget", "sandbox_address",
                     "reward_server_address",
                     "batch_api", "batch_poll_interval", "batch_max_requests", "batch_max_bytes",
                     "batch_completion_window"}
"""Settings that change how a run talks to its servers, not what a record holds: free to change on resume."""


def record_settings(config: GenerationConfig) -> dict:
    """The settings that decide a record's content (the resume fingerprint compares these)."""
    dumped = config.model_dump(exclude=RUN_ONLY_SETTINGS | {"max_samples"})
    for name in SCALING_SETTINGS:  # only the chosen strategy's settings decide the records
        if name != config.strategy:
            dumped.pop(name)
    if config.strategy is None:
        dumped.pop("strategy")
    for key in ("problem_ids", "reward_model"):
        if dumped[key] is None:
            dumped.pop(key)  # absent keeps the fingerprints of runs made before these settings existed
    code = dumped.pop("code")  # flat, as before the settings were nested: older partial files still resume
    dumped.update({flat: code[nested] for flat, nested in FLAT_CODE_SETTINGS.items()})
    return dumped

