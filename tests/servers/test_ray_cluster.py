"""Multi-node vLLM through Ray, offline: the head/join/stop command lines, the job's Ray port, vLLM's flags."""

from __future__ import annotations

from nskit.servers import LaunchSpec, get_server_type
from nskit.servers.ray_cluster import join_command, ray_executable, ray_port, start_head_command


def test_ray_commands_and_port() -> None:
    assert start_head_command(61234, 8) == ["ray", "start", "--head", "--port=61234", "--include-dashboard=false",
                                            "--block", "--disable-usage-stats", "--num-gpus=8"]
    assert join_command("10.0.0.1:61234", None, "/venv/bin/ray") == [
        "/venv/bin/ray", "start", "--address=10.0.0.1:61234", "--block", "--disable-usage-stats"]
    assert ray_executable("/nowhere/bin/python") == "ray"
    assert ray_port("1234") == 61234 and ray_port("6234_3") == 61234 and 60000 <= ray_port("99999") < 65000


def test_vllm_over_nodes_uses_tp_inside_a_node_and_pp_across() -> None:
    argv = get_server_type("vllm").command(LaunchSpec(model="/m", port=9, gpus=8, nodes=2), "py")
    assert argv[argv.index("--tensor-parallel-size") + 1] == "8"
    assert argv[argv.index("--pipeline-parallel-size") + 1] == "2"
    assert argv[argv.index("--distributed-executor-backend") + 1] == "ray"
