"""The viewer's index cache goes to a temporary dir during these tests (restored afterwards: NSKIT_CACHE also
holds the converted model that other tests use)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest


@pytest.fixture(scope="module", autouse=True)
def view_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("NSKIT_CACHE", str(tmp_path_factory.mktemp("nskit-cache")))
        yield
