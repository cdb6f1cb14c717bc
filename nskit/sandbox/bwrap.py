"""The bubblewrap command line that contains one interpreter, and the check that bubblewrap is usable."""

from __future__ import annotations

import functools
import json
import math
import os
import shutil
import subprocess
from pathlib import PurePosixPath

from nskit.sandbox.config import MIB, SandboxConfig

RUNNER_INSIDE = "/opt/nskit/runner.py"
WORKDIR = "/tmp"
INSTALL_HINT = "install it with `apt-get install bubblewrap` (or run .ci/install_sandbox.sh)"

# The environment a snippet sees, in full: nothing of the service's own environment leaks in.
SANDBOX_ENV = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "HOME": WORKDIR,
    "TMPDIR": WORKDIR,
    "LANG": "C.UTF-8",
    "PYTHONIOENCODING": "utf-8",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONHASHSEED": "0",
    "MPLBACKEND": "Agg",
    # One BLAS/OpenMP thread: threads count against RLIMIT_NPROC and many snippets run side by side.
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "NUMEXPR_NUM_THREADS": "1",
}


class SandboxUnavailable(RuntimeError):
    """bubblewrap (or setpriv) is missing or cannot contain a process here; code is never run unsandboxed."""


def is_rootless() -> bool:
    """Whether the service runs as a user other than root: then each sandbox gets a user namespace of its own
    instead of a dedicated uid (which only root can switch to)."""
    return os.geteuid() != 0


def find_tools() -> tuple[str, str | None]:
    """Paths of ``bwrap`` and (as root) ``setpriv``, or SandboxUnavailable naming what is missing and how to get it."""
    bwrap = shutil.which("bwrap")
    if bwrap is None:
        raise SandboxUnavailable(
            f"bubblewrap (`bwrap`) is not on PATH; the sandbox refuses to run code without it: {INSTALL_HINT}"
        )
    if is_rootless():
        return bwrap, None
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise SandboxUnavailable("`setpriv` (util-linux) is not on PATH; it drops snippets to an unprivileged uid")
    return bwrap, setpriv


def user_namespace_problem() -> str | None:
    """What keeps a user from creating a user namespace here (the kernel settings that forbid it), or None."""
    settings = (
        ("/proc/sys/user/max_user_namespaces", "0", "user.max_user_namespaces is 0"),
        ("/proc/sys/kernel/unprivileged_userns_clone", "0", "kernel.unprivileged_userns_clone is 0 (Debian kernels)"),
        ("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1",
         "kernel.apparmor_restrict_unprivileged_userns is 1 (Ubuntu 23.10 and later)"),
    )
    for path, forbidding, text in settings:
        try:
            with open(path, encoding="ascii") as handle:
                if handle.read().strip() == forbidding:
                    return text
        except OSError:
            continue  # the setting does not exist on this kernel: it forbids nothing
    return None


def interpreter_binds(python: str) -> list[str]:
    """Host directories the interpreter needs: its venv or installation prefix, and the base installation.

    ``<prefix>/bin/python`` gives the prefix; a venv's ``pyvenv.cfg`` (key ``home``) and the real path of the
    binary give the installation a venv was made from. Paths under /usr are bound already.
    """
    exe = os.path.abspath(python)
    prefixes = [os.path.dirname(os.path.dirname(exe)), os.path.dirname(os.path.dirname(os.path.realpath(exe)))]
    cfg = os.path.join(prefixes[0], "pyvenv.cfg")
    if os.path.isfile(cfg):
        with open(cfg, encoding="utf-8") as handle:
            for line in handle:
                key, _, value = line.partition("=")
                if key.strip() == "home":
                    prefixes.append(os.path.dirname(value.strip()))
    binds = []
    for prefix in prefixes:
        for path in (prefix, os.path.realpath(prefix)):
            if path != "/usr" and not path.startswith("/usr/") and path not in binds:
                binds.append(path)
    return binds


def _parents(path: str) -> list[str]:
    """Ancestors of ``path`` below /, outermost first."""
    parts = PurePosixPath(path).parts[1:-1]
    return ["/" + "/".join(parts[: i + 1]) for i in range(len(parts))]


def _readable_dirs(paths: list[str]) -> list[str]:
    """``--dir`` arguments with mode 0755 for every ancestor of the bind targets.

    bubblewrap would create them with mode 0700 owned by root, which the unprivileged uid cannot traverse.
    """
    args: list[str] = []
    made: set[str] = set()
    for path in paths:
        for parent in _parents(path):
            if parent not in made:
                made.add(parent)
                args += ["--perms", "0755", "--dir", parent]
    return args


@functools.lru_cache(maxsize=8)
def site_setup(python: str) -> dict[str, object]:
    """What `site` does for `python` at start-up, asked once per interpreter: the directories it adds to sys.path
    (site-packages) and the prefixes (a venv's, not its base installation's).

    The runner starts with `python -S` and applies these itself: processing the `.pth` files at every start (an
    editable install's import hook alone) took about 30 of the 50 ms an interpreter start costs.
    """
    probe = "import json, sys; print(json.dumps([sys.path, sys.prefix, sys.exec_prefix]))"
    try:
        (full, prefix, exec_prefix), (bare, _, _) = (
            json.loads(subprocess.run([python, *flags, "-c", probe], capture_output=True, text=True, check=True,
                                      timeout=120).stdout)
            for flags in ((), ("-S",))
        )
    except (OSError, subprocess.SubprocessError, ValueError) as exc:
        raise SandboxUnavailable(f"cannot ask {python} for its sys.path: {exc}") from exc
    paths = [path for path in full if path and path not in bare]
    return {"site_paths": paths, "prefix": prefix, "exec_prefix": exec_prefix}


def runner_limits(config: SandboxConfig, cpu_hard_seconds: int) -> dict[str, int]:
    """The rlimits the runner applies to itself before any snippet runs."""
    return {
        "as": config.memory_mb * MIB,
        "nproc": config.max_processes,
        "fsize": config.tmpfs_mb * MIB,
        "nofile": config.max_open_files,
        "core": 0,
        "cpu": cpu_hard_seconds,
    }


def build_command(config: SandboxConfig, uid: int, cpu_hard_seconds: int) -> list[str]:
    """The full argv: bwrap (namespaces, binds, tmpfs, env) -> setpriv (uid, no caps) -> python runner.

    Rootless (`is_rootless`): bwrap also unshares the user namespace, so the sandbox's processes are counted apart
    for RLIMIT_NPROC (the kernel counts processes per user namespace), nested user namespaces are refused
    (`--disable-userns`), and there is no setpriv: bwrap itself sets no_new_privs and keeps no capabilities.
    """
    bwrap, setpriv = find_tools()
    runner_host = os.path.join(os.path.dirname(os.path.abspath(__file__)), "runner.py")
    ro_binds = interpreter_binds(config.python) + [os.path.abspath(p) for p in config.extra_ro_binds]
    ro_binds = [p for p in dict.fromkeys(ro_binds) if os.path.exists(p)]
    tmpfs_bytes = str(config.tmpfs_mb * MIB)
    argv = [
        bwrap,
        "--die-with-parent",
        "--new-session",
        *(["--unshare-user", "--disable-userns"] if setpriv is None else []),
        "--unshare-net", "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
        "--hostname", "sandbox",
        "--clearenv",
    ]
    for key, value in SANDBOX_ENV.items():
        argv += ["--setenv", key, value]
    argv += ["--ro-bind", "/usr", "/usr"]
    for name in ("bin", "lib", "lib64", "sbin", "lib32", "libx32"):
        host = f"/{name}"
        if os.path.islink(host):
            argv += ["--symlink", os.readlink(host), host]
        elif os.path.isdir(host):
            argv += ["--ro-bind", host, host]
    # The private mounts come before the interpreter's binds: a venv under /tmp (a clone in /tmp) must stay
    # visible, bound on top of the fresh tmpfs, instead of being hidden by it.
    argv += [
        "--dev", "/dev",
        "--proc", "/proc",
        "--perms", "01777", "--size", tmpfs_bytes, "--tmpfs", WORKDIR,
        "--perms", "01777", "--size", tmpfs_bytes, "--tmpfs", "/dev/shm",
    ]
    argv += _readable_dirs(ro_binds + [RUNNER_INSIDE])
    for path in ro_binds:
        argv += ["--ro-bind", path, path]
    argv += ["--ro-bind", runner_host, RUNNER_INSIDE]
    argv += ["--remount-ro", "/", "--chdir", WORKDIR]
    if setpriv is not None:
        argv += [
            setpriv,
            f"--reuid={uid}", f"--regid={uid}", "--clear-groups",
            "--no-new-privs", "--inh-caps=-all", "--bounding-set=-all",
            "--",
        ]
    argv += [
        config.python, "-S", RUNNER_INSIDE,
        json.dumps({"limits": runner_limits(config, cpu_hard_seconds), **site_setup(config.python)}),
    ]
    return argv


def cpu_seconds_for(timeout: float) -> int:
    """CPU-time limit of a snippet with wall limit ``timeout`` (whole seconds, at least one)."""
    return max(1, math.ceil(timeout))
