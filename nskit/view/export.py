"""`ns view --export DIR`: the same page and data as the server, written as static files to share."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

from nskit.errors import UserError
from nskit.records import atomic_directory
from nskit.view.assets import data_script, static_files
from nskit.view.site import Site


def export_site(site: Site, out: Path, on_path: Callable[[str], None] | None = None) -> int:
    """Write the page, its assets and every data script as the directory `out` (replaced as a whole when every
    file is written); returns how many data files were written.

    `out` must not be inside a viewed output dir (the viewer never writes there), and an existing `out` must be
    an earlier export (it holds index.html) or empty.
    """
    out = out.resolve()
    for run in site.runs:
        root = run.root.resolve()
        if out == root or root in out.parents:
            raise UserError(f"--export {out} is inside the viewed output dir {root}: the viewer never writes there")
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / "index.html").is_file())):
        raise UserError(f"--export {out} exists and is not an earlier export (no index.html): give a new or empty dir")
    count = 0
    with atomic_directory(out) as staging:
        for relative, source in static_files():
            target = staging / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
        for path in site.paths():
            target = staging / "data" / f"{path}.js"
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data_script(path, site.payload(path)))
            count += 1
            if on_path is not None:
                on_path(path)
    return count
