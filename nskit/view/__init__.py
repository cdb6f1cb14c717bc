"""`ns view`: a read-only results browser for output dirs, served on localhost or exported as static files.

Python API: `Site(output_dir, compare=None)` holds the runs; `make_server(site, host, port)` serves it;
`export_site(site, out_dir)` writes it to disk; `build_index(found)` indexes one benchmark.
"""

from nskit.view.export import export_site
from nskit.view.index import BenchmarkIndex, build_index
from nskit.view.server import make_server
from nskit.view.site import Site

__all__ = ["BenchmarkIndex", "Site", "build_index", "export_site", "make_server"]
