"""The adapter types: a pinned upstream file (`Source`) and a benchmark description (`Benchmark`)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nskit.datasets.errors import UnknownSplitError

Record = dict[str, Any]
#: A converter gets the verified local copy of each source (keyed by `Source.key`) and yields output records
#: with `id`, `problem`, `expected_answer` first, then optional metadata (`level`, `subject`, `source`, ...).
Converter = Callable[[Mapping[str, Path]], Iterable[Record]]


@dataclass(frozen=True)
class Source:
    """One upstream file, pinned by content: `sha256` of its bytes, or `git_blob` (the git blob SHA-1).

    `git_blob` exists for files whose bytes we could not obtain to hash (omni-math): the blob id from the
    upstream commit's tree pins the same content just as well.
    """

    key: str
    url: str
    sha256: str | None = None
    git_blob: str | None = None

    def __post_init__(self) -> None:
        if not (self.sha256 or self.git_blob):
            raise ValueError(f"source {self.url} needs a sha256 or git_blob pin")


@dataclass(frozen=True)
class SubsetField:
    """A record field whose values split a benchmark's metrics into sections `<benchmark>-<field>-<label>`.

    `label` turns a value into the section's label (None: the record belongs to no section of this field).
    """

    field: str
    label: Callable[[Any], str | None] = str


@dataclass(frozen=True)
class Split:
    """A split other than the benchmark's default one (e.g. `train`): its own pinned sources, converter and size."""

    name: str
    sources: tuple[Source, ...]
    convert: Converter
    size: int


@dataclass(frozen=True)
class Benchmark:
    """A benchmark adapter: where its data comes from, how to convert it, and the defaults `ns eval` uses.

    - `size`: number of records the converter must produce from the pinned sources (checked on prepare).
    - `prompt_config`, `extraction`, `metric_type`: names resolved by generation, grading and metrics.
    - `aliases`: other names accepted on the command line (e.g. NeMo-Skills v0.7's `hendrycks_math`).
    - `subset_fields`: record fields that `summarize_results` splits the metrics by (MATH: level, subject).
    - `split` is the split that `sources`, `convert` and `size` describe (the one `ns eval` uses by default);
      `other_splits` are the others the adapter knows (`ns prepare_data gsm8k --split train`).

    The quirks a converter handles are documented in the docstring of its adapter module.
    """

    name: str
    description: str
    sources: tuple[Source, ...]
    convert: Converter
    size: int
    prompt_config: str = "generic/math"
    extraction: str = "boxed"
    metric_type: str = "math"
    split: str = "test"
    aliases: tuple[str, ...] = ()
    subset_fields: tuple[SubsetField, ...] = ()
    other_splits: tuple[Split, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The canonical name followed by the aliases."""
        return (self.name, *self.aliases)

    @property
    def splits(self) -> tuple[str, ...]:
        """Every split the adapter can prepare, the default one first."""
        return (self.split, *(other.name for other in self.other_splits))

    def for_split(self, split: str | None) -> Benchmark:
        """This benchmark as seen on `split` (None: the default split); an unknown split is `UnknownSplitError`."""
        if split is None or split == self.split:
            return self
        for other in self.other_splits:
            if other.name == split:
                return replace(self, split=other.name, sources=other.sources, convert=other.convert, size=other.size)
        raise UnknownSplitError(self.name, split, self.splits)

    @property
    def source_label(self) -> str:
        """Short origin of the data for listings: `owner/repo` for GitHub URLs, else the host."""
        return ", ".join(dict.fromkeys(_origin(source.url) for source in self.sources))


def _origin(url: str) -> str:
    """`owner/repo` of a GitHub-hosted URL, or the host of any other URL."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    segments = [segment for segment in parts.path.split("/") if segment]
    github_hosts = {"raw.githubusercontent.com", "github.com", "media.githubusercontent.com"}
    if parts.netloc in github_hosts:
        offset = 1 if segments[:1] == ["media"] else 0
        return "/".join(segments[offset : offset + 2])
    return parts.netloc
