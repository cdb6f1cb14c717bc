"""`ns start_server`: run a model server in the foreground for interactive use (Ctrl-C stops it)."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from nskit.cli import options
from nskit.cli.errors import user_errors


def register(app: typer.Typer) -> None:
    """Add `ns start_server`."""

    @app.command("start_server")
    def start_server(
        model: options.Model = None,
        server_type: options.ServerType = "vllm",
        server_gpus: options.ServerGpus = None,
        server_nodes: options.ServerNodes = 1,
        server_args: options.ServerArgs = "",
        port: Annotated[int | None, typer.Option("--port", help="port to listen on (default: a free one)")] = None,
        cluster: options.Cluster = "local",
        config_dir: options.ConfigDir = None,
        log_file: Annotated[Path, typer.Option("--log_file", help="server log")] = Path("server.log"),
        decoding: Annotated[
            bool, typer.Option("--decoding/--no_decoding", help="vllm: load nskit's decoding knobs (docs/decoding.md)")
        ] = True,
    ) -> None:
        """Start a server, print its address, and keep it up until Ctrl-C or SIGTERM."""
        import shlex

        from nskit.config.cluster import load_cluster_config
        from nskit.models.default import ensure_converted, resolve_model
        from nskit.proc import terminate_on_sigterm
        from nskit.servers.launch import start_cluster_server

        with user_errors():
            config = load_cluster_config(cluster, config_dir)
            model = ensure_converted(resolve_model(model, server_gpus=server_gpus))
            extra_args = shlex.split(server_args)
            if decoding and server_type == "vllm":
                from nskit.decoding.launch import server_args as decoding_args

                extra_args += decoding_args([*config.server_launch(server_type).args, *extra_args])
            server = start_cluster_server(server_type, model, config, log_file.resolve(), gpus=server_gpus,
                                          nodes=server_nodes, extra_args=extra_args, port=port)
        terminate_on_sigterm()
        print(f"starting {server_type} server for {model} (log: {server.log_path})", flush=True)
        with server:
            print(f"server ready: {server.base_url}  (Ctrl-C to stop)", flush=True)
            try:
                while server.running:
                    time.sleep(1)
            except KeyboardInterrupt:
                print("stopping server", flush=True)
