"""The token-log sidecar: compact, torn tails cut, last frame wins, finalize compacts, one reader."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nskit.records import RecordFileError
from nskit.records.layout import token_log_path
from nskit.records.token_log import TokenLogWriter, TokenSteps, read_token_log


def make_steps(n: int, k: int, seed: int = 0, vocab: int = 49152) -> TokenSteps:
    rng = np.random.default_rng(seed)
    top_p = np.sort(rng.dirichlet(np.ones(k * 3), size=n)[:, :k], axis=1)[:, ::-1].astype(np.float32)
    top_ids = rng.integers(0, vocab, size=(n, k))
    ranks = rng.integers(1, k + 1, size=n)
    chosen = top_ids[np.arange(n), ranks - 1]
    return TokenSteps(chosen, top_p[np.arange(n), ranks - 1], ranks, top_ids, top_p)


def test_sidecar_name() -> None:
    assert token_log_path("d/output-rs3.jsonl") == Path("d/output-rs3.tokens")
    assert token_log_path("d/output-rs3.tokens") == Path("d/output-rs3.tokens")
    assert token_log_path("d/out.json") == Path("d/out.json.tokens")


@pytest.mark.parametrize("vocab", [49152, 151936])
def test_round_trip_and_size_of_a_4096_token_generation(tmp_path: Path, vocab: int) -> None:
    steps = make_steps(4096, 20, vocab=vocab)
    writer = TokenLogWriter(tmp_path / "output.jsonl")
    writer.open()
    writer.append(7, steps)
    writer.close()
    size = (tmp_path / "output.tokens").stat().st_size
    assert size < 350_000, size  # a few hundred KB at most, even with random (incompressible) ids
    back = read_token_log(tmp_path / "output.jsonl")[7]
    assert np.array_equal(back.chosen_ids, steps.chosen_ids) and np.array_equal(back.top_ids, steps.top_ids)
    assert np.array_equal(back.ranks, steps.ranks)
    np.testing.assert_allclose(back.top_probs, steps.top_probs, rtol=1e-3, atol=1e-7)  # float16
    np.testing.assert_allclose(back.chosen_probs, steps.chosen_probs, rtol=1e-3, atol=1e-7)


def test_torn_tail_is_cut_and_last_frame_wins(tmp_path: Path) -> None:
    writer = TokenLogWriter(tmp_path / "output.jsonl")
    writer.open()
    writer.append(0, make_steps(5, 3, seed=1))
    writer.append(1, make_steps(6, 3, seed=2))
    writer.close()
    path = tmp_path / "output.tokens"
    whole = path.stat().st_size
    path.write_bytes(path.read_bytes() + make_steps(9, 3).encode(0)[:-7])  # killed mid-frame
    assert set(read_token_log(path)) == {0, 1}
    writer.open()  # cuts the torn frame
    assert path.stat().st_size == whole
    writer.append(0, make_steps(8, 3, seed=3))  # position 0 redone
    writer.close()
    assert len(read_token_log(path)[0]) == 8
    writer.finalize([0, 1])
    assert path.stat().st_size < whole + 200 and len(read_token_log(path)[0]) == 8


def test_damage_before_the_end_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "output.tokens"
    first, second = make_steps(5, 3).encode(0), make_steps(5, 3).encode(1)
    path.write_bytes(first[:-3] + b"xyz" + second)
    with pytest.raises(RecordFileError, match="output.tokens.*damaged token-log frame at byte 0"):
        read_token_log(path)
    with pytest.raises(FileNotFoundError, match="token_log"):
        read_token_log(tmp_path / "missing.jsonl")


def test_entropy_lower_bound() -> None:
    p = np.array([[0.5, 0.3]], np.float32)
    steps = TokenSteps(np.array([1]), p[:, 0], np.array([1]), np.array([[1, 2]]), p)
    expected = -(0.5 * np.log(0.5) + 0.3 * np.log(0.3) + 0.2 * np.log(0.2))
    assert steps.entropy_lower_bound()[0] == pytest.approx(expected, rel=1e-5)


def test_index_reads_one_position_without_decoding_the_rest(tmp_path: Path) -> None:
    from nskit.records.token_log import TokenLogIndex

    assert TokenLogIndex.build(tmp_path / "output.jsonl") is None
    writer = TokenLogWriter(tmp_path / "output.jsonl")
    writer.open()
    logged = {position: make_steps(5 + position, 3, seed=position) for position in (4, 0, 2, 4)}
    for position in (4, 0, 2):
        writer.append(position, logged[position])
    writer.append(4, make_steps(9, 3, seed=99))  # a redone record: the last frame wins
    writer.close()
    scanned = TokenLogIndex.build(tmp_path / "output.jsonl")
    assert len(scanned.offsets) == 4
    assert np.array_equal(scanned.steps(4).chosen_ids, make_steps(9, 3, seed=99).chosen_ids)
    assert scanned.steps(1) is None
    writer.finalize(range(5))
    index = TokenLogIndex.build(tmp_path / "output.jsonl")
    assert len(index.offsets) == 3
    for position in (0, 2):
        assert np.array_equal(index.steps(position).chosen_ids, logged[position].chosen_ids)
    assert len(index.steps(4)) == 9 and index.steps(3) is None
