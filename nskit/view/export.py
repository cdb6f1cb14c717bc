"""`ns view --export DIR`: the same page and data as the server, written as static files to share."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from nskit.errors import UserError
from nskit.records import atomic_write_bytes
from nskit.view.assets import data_script, static_files
from nskit.view.site import Site


def export_site(site: Site, out: Path, on_path: Callable[[str], None] | None = None) -> int:
    """Write the page, its assets and every data script under `out`; returns how many data files were written.

    `out` must not be inside a viewed output dir (the viewer never writes there).
    """
    out = out.resolve()
    for run in site.runs:
        root = run.root.resolve()
        if out == root or root in out.parents:
            raise UserError(f"--export {out} is inside the viewed output dir {root}: the viewer never writes there")
    for relative, source in static_files():
        target = out / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
    count = 0
    for path in site.paths():
        atomic_write_bytes(out / "data" / f"{path}.js", data_script(path, site.payload(path)))
        count += 1
        if on_path is not None:
            on_path(path)
    return count
