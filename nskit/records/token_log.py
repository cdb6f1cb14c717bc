"""Per-token logs: a compact, append-only sidecar beside an output file (`output-rs0.jsonl` -> `output-rs0.tokens`).

One frame per record: `NTL1`, payload length and CRC32 (little-endian uint32), then the zlib-compressed payload: a
JSON header line (`position`, `steps`, `k`, `ids` dtype) and the arrays of `TokenSteps` (ids uint16 or uint32,
probabilities float16, ranks uint16), each stored byte plane by byte plane, which zlib compresses well. Frames are appended with one
`write()` each, before the record itself reaches the partial output file, so every finished record has its frame;
a kill leaves at most a torn last frame, cut off on reopen. A position logged twice (a record redone after a
crash or with `--retry_errors`) keeps its last frame; finalizing rewrites the file atomically with one frame per
position, in order. `read_token_log` is the one reader.
"""

from __future__ import annotations

import json
import os
import struct
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nskit.records.atomic import atomic_writer
from nskit.records.errors import RecordFileError
from nskit.records.layout import token_log_path

MAGIC = b"NTL1"
_HEAD = struct.Struct("<4sII")
TOKEN_STEPS_FIELD = "_token_steps"
"""Where a strategy hands a record's `TokenSteps` to the runner, which moves them to the sidecar."""


@dataclass
class TokenSteps:
    """The per-token log of one generation (n steps, top-K alternatives each).

    `rank` is 1-based and exact below K; a rank of K means "K or worse" (the server returns K entries, the chosen
    token among them). `top_ids` / `top_probs` hold the K most probable tokens of each step, best first.
    """

    chosen_ids: np.ndarray  # (n,) int
    chosen_probs: np.ndarray  # (n,) float
    ranks: np.ndarray  # (n,) int
    top_ids: np.ndarray  # (n, K) int
    top_probs: np.ndarray  # (n, K) float

    def __len__(self) -> int:
        return len(self.chosen_ids)

    @property
    def k(self) -> int:
        """How many alternatives each step holds."""
        return int(self.top_ids.shape[1])

    def top1_probs(self) -> np.ndarray:
        """The most probable token's probability at each step (the model's confidence)."""
        return self.top_probs[:, 0] if self.k else self.chosen_probs

    def entropy_lower_bound(self) -> np.ndarray:
        """A lower bound of each step's entropy (nats) from the top-K: their terms plus -r log r for the rest r."""
        p = self.top_probs.astype(np.float64)
        rest = np.clip(1.0 - p.sum(axis=1), 0.0, 1.0)
        with np.errstate(divide="ignore", invalid="ignore"):
            terms = np.where(p > 0, -p * np.log(p), 0.0).sum(axis=1)
            tail = np.where(rest > 0, -rest * np.log(rest), 0.0)
        return terms + tail

    def encode(self, position: int) -> bytes:
        """One frame of the sidecar for input position `position`."""
        big = max(int(self.top_ids.max(initial=0)), int(self.chosen_ids.max(initial=0))) >= 2**16
        ids = np.dtype("<u4" if big else "<u2")
        header = {"position": position, "steps": len(self), "k": self.k, "ids": ids.str}
        arrays = [self.chosen_ids.astype(ids), self.chosen_probs.astype("<f2"), self.ranks.astype("<u2"),
                  self.top_ids.astype(ids), self.top_probs.astype("<f2")]
        payload = json.dumps(header).encode() + b"\n" + b"".join(_shuffle(a) for a in arrays)
        body = zlib.compress(payload, 6)
        return _HEAD.pack(MAGIC, len(body), zlib.crc32(body)) + body


def _shuffle(array: np.ndarray) -> bytes:
    """The array's bytes grouped by significance (all low bytes, then the next, ...): zlib packs ids far better."""
    flat = np.ascontiguousarray(array).reshape(-1)
    return flat.view(np.uint8).reshape(flat.size, flat.dtype.itemsize).T.tobytes()


def decode_frame(body: bytes) -> tuple[int, TokenSteps]:
    """`(position, steps)` of one frame's payload."""
    payload = zlib.decompress(body)
    line, _, data = payload.partition(b"\n")
    header = json.loads(line)
    n, k, ids = header["steps"], header["k"], np.dtype(header["ids"])
    sizes = [(ids, n), (np.dtype("<f2"), n), (np.dtype("<u2"), n), (ids, n * k), (np.dtype("<f2"), n * k)]
    arrays, offset = [], 0
    for dtype, count in sizes:
        size = dtype.itemsize * count
        planes = np.frombuffer(data, dtype=np.uint8, count=size, offset=offset).reshape(dtype.itemsize, count)
        arrays.append(np.ascontiguousarray(planes.T).view(dtype).reshape(count))
        offset += size
    chosen, probs, ranks, top_ids, top_probs = arrays
    return header["position"], TokenSteps(
        chosen.astype(np.int64), probs.astype(np.float32), ranks.astype(np.int64),
        top_ids.reshape(n, k).astype(np.int64), top_probs.reshape(n, k).astype(np.float32),
    )


def _frames(path: Path) -> Iterator[tuple[int, int, bytes]]:
    """`(offset, end, body)` of each whole frame; stops at a torn last frame, raises on damage before the end."""
    data = path.read_bytes()
    offset = 0
    while offset < len(data):
        if len(data) - offset < _HEAD.size:
            return
        magic, length, crc = _HEAD.unpack_from(data, offset)
        end = offset + _HEAD.size + length
        body = data[offset + _HEAD.size:end]
        if magic != MAGIC or (end <= len(data) and zlib.crc32(body) != crc):
            if end >= len(data):
                return  # a torn tail: the writer was killed mid-frame
            raise RecordFileError(path, None, f"damaged token-log frame at byte {offset}")
        if end > len(data):
            return
        yield offset, end, body
        offset = end


def read_token_log(path: str | Path) -> dict[int, TokenSteps]:
    """The per-token logs of an output file (or its `.tokens` sidecar), by input position; the last frame wins."""
    path = token_log_path(path)
    if not path.exists():
        raise FileNotFoundError(f"no token log {path} (generate with ++inference.token_log=K)")
    logs: dict[int, TokenSteps] = {}
    for _, _, body in _frames(path):
        try:
            position, steps = decode_frame(body)
        except (zlib.error, ValueError, KeyError) as exc:
            raise RecordFileError(path, None, f"unreadable token-log frame: {exc}") from None
        logs[position] = steps
    return logs


@dataclass(frozen=True)
class TokenLogIndex:
    """Random access to one sidecar: where each whole frame starts (headers read, payloads skipped), so a reader
    that wants a few positions (the results browser) decodes only those frames."""

    path: Path
    offsets: tuple[int, ...]

    @classmethod
    def build(cls, output: str | Path) -> TokenLogIndex | None:
        """The index of the token log of `output` (or of a `.tokens` path); None when there is none."""
        path = token_log_path(output)
        if not path.exists():
            return None
        size = path.stat().st_size
        offsets = []
        with open(path, "rb") as handle:
            offset = 0
            while offset + _HEAD.size <= size:
                handle.seek(offset)
                magic, length, _ = _HEAD.unpack(handle.read(_HEAD.size))
                end = offset + _HEAD.size + length
                if magic != MAGIC or end > size:
                    if end >= size:
                        break  # a torn tail: the writer was killed mid-frame
                    raise RecordFileError(path, None, f"damaged token-log frame at byte {offset}")
                offsets.append(offset)
                offset = end
        return cls(path, tuple(offsets))

    def frame(self, number: int) -> tuple[int, TokenSteps]:
        """`(position, steps)` of the `number`-th frame."""
        offset = self.offsets[number]
        with open(self.path, "rb") as handle:
            handle.seek(offset)
            _, length, crc = _HEAD.unpack(handle.read(_HEAD.size))
            body = handle.read(length)
        if zlib.crc32(body) != crc:
            raise RecordFileError(self.path, None, f"damaged token-log frame at byte {offset}")
        try:
            return decode_frame(body)
        except (zlib.error, ValueError, KeyError) as exc:
            raise RecordFileError(self.path, None, f"unreadable token-log frame at byte {offset}: {exc}") from None

    def steps(self, position: int) -> TokenSteps | None:
        """The log of input `position` (None when it has none).

        A finalized log (the one beside a final output file) holds one frame per position, in order: found by
        binary search. Otherwise the frames are scanned, the last one of the position winning as in
        `read_token_log`; in a log still being written a redone position may be found in an older frame.
        """
        low, high = 0, len(self.offsets) - 1
        while low <= high:
            middle = (low + high) // 2
            found, steps = self.frame(middle)
            if found == position and (middle + 1 == len(self.offsets) or self.frame(middle + 1)[0] != position):
                return steps
            if found < position:
                low = middle + 1
            else:
                high = middle - 1
        last = None
        for number in range(len(self.offsets)):
            found, steps = self.frame(number)
            if found == position:
                last = steps
        return last


class TokenLogWriter:
    """Appends frames to one sidecar; repairs a torn tail on open; compacts on finalize."""

    def __init__(self, output: str | Path) -> None:
        self.path = token_log_path(output)
        self._fd: int | None = None

    def discard(self) -> None:
        """Remove the sidecar (a run that starts over)."""
        self.path.unlink(missing_ok=True)

    def open(self) -> None:
        """Start appending, first cutting off a torn last frame."""
        if self.path.exists():
            end = max((stop for _, stop, _ in _frames(self.path)), default=0)
            if end != self.path.stat().st_size:
                os.truncate(self.path, end)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def append(self, position: int, steps: TokenSteps) -> None:
        """Persist the log of one record, in one write()."""
        if self._fd is None:
            raise RuntimeError("TokenLogWriter.append before open()")
        os.write(self._fd, steps.encode(position))

    def close(self) -> None:
        """Stop appending (flushed to disk)."""
        if self._fd is not None:
            os.fsync(self._fd)
            os.close(self._fd)
            self._fd = None

    def finalize(self, positions: Iterable[int]) -> None:
        """Rewrite the sidecar atomically with the last frame of each of `positions`, in order."""
        self.close()
        if not self.path.exists():
            return
        last = {}
        for _, _, body in _frames(self.path):
            position, _ = decode_frame(body)
            last[position] = body
        with atomic_writer(self.path, "wb", encoding=None) as handle:
            for position in positions:
                if position in last:
                    body = last[position]
                    handle.write(_HEAD.pack(MAGIC, len(body), zlib.crc32(body)) + body)
