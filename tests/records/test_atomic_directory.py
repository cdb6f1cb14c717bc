"""atomic_directory: a whole tree appears at once, or nothing changes."""

from __future__ import annotations

import pytest

from nskit.records import atomic_directory


def test_atomic_directory_replaces_the_whole_tree_or_nothing(tmp_path):
    target = tmp_path / "site"
    with atomic_directory(target) as staging:
        (staging / "a.txt").write_text("1")
        assert not target.exists()
    assert (target / "a.txt").read_text() == "1"
    with pytest.raises(RuntimeError), atomic_directory(target) as staging:
        (staging / "b.txt").write_text("2")
        raise RuntimeError("stop")
    assert sorted(p.name for p in target.iterdir()) == ["a.txt"]
    with atomic_directory(target) as staging:
        (staging / "c.txt").write_text("3")
    assert sorted(p.name for p in target.iterdir()) == ["c.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]
