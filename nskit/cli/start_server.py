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

        from nskit.cluster.local import terminate_on_sigterm
        from nskit.config.cluster import load_cluster_config
        from nskit.pipeline.eval_plan import has_gpu
        from nskit.servers import LaunchSpec, ServerProcess, get_server_type
        from nskit.servers.process import free_port

        with user_errors():
            config = load_cluster_config(cluster, config_dir)
            kind = get_server_type(server_type)
            if model is None:
                if has_gpu():
                    raise ValueError("--model is required on a machine with a GPU")
                from nskit.models.embedded import embedded_model_dir

                model = str(embedded_model_dir())
            launch = config.server_launch(server_type)
            env = {**config.environment(), **launch.environment()}
            args = [*launch.args, *shlex.split(server_args)]
            if decoding and server_type == "vllm":
                from nskit.decoding.request import server_args as decoding_args

                args += decoding_args(args)
            spec = LaunchSpec(model=model, port=port or free_port(), gpus=server_gpus, nodes=server_nodes,
                              extra_args=tuple(args), env=env)
        terminate_on_sigterm()
        server = ServerProcess(kind, spec, log_file.resolve(), health_timeout=launch.health_timeout)
        print(f"starting {server_type} server for {model} (log: {server.log_path})", flush=True)
        with server:
            print(f"server ready: {server.base_url}  (Ctrl-C to stop)", flush=True)
            try:
                while server.running:
                    time.sleep(1)
            except KeyboardInterrupt:
                print("stopping server", flush=True)
