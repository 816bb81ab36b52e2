"""Isolation layer names: the vocabulary shared by the caller, the server and the child.

``_linux.probe`` finds out which of them this machine can enforce; ``available_layers()`` (the
public function) runs that probe in a fresh interpreter.
"""

from __future__ import annotations

#: Every layer, outermost first.
ALL_LAYERS: tuple[str, ...] = (
    "process",  # separate server; each run in its own process forked from a clean zygote
    "clean_env",  # server exec'd with an allow-listed environment, no secrets
    "uid_drop",  # child runs as an unprivileged uid, no groups, no caps, no_new_privs
    "pidns",  # private PID namespace per child (and for the server)
    "mountns",  # private mount namespace: pivot_root into a minimal read-only tree
    "netns",  # private network namespace without interfaces
    "ipcns",  # private SysV IPC / POSIX mqueue namespace
    "landlock",  # Landlock file-system, TCP and signal policy
    "seccomp",  # seccomp-bpf syscall filter
    "rlimits",  # CPU, address space, file size, open files, processes, core
    "cgroup_memory",  # per-run memory cgroup: total memory incl. shared memory and tmpfs
    "cgroup_pids",  # per-run pids cgroup: processes and threads of this run only
    "audit_hook",  # Python audit hook with clear error messages
    "timeout",  # SIGKILL from the server on the wall-clock deadline
)
#: Layers a test may switch off to prove another layer holds on its own.
OPTIONAL_LAYERS: frozenset[str] = frozenset(
    {
        "uid_drop",
        "pidns",
        "mountns",
        "netns",
        "ipcns",
        "landlock",
        "seccomp",
        "rlimits",
        "cgroup_memory",
        "cgroup_pids",
        "audit_hook",
    }
)
#: The cgroup layers (set up by the server around the process, not by the process itself).
CGROUP_LAYERS: frozenset[str] = frozenset({"cgroup_memory", "cgroup_pids"})
ALWAYS_ON: tuple[str, ...] = ("process", "clean_env", "timeout")
#: Layers that need the compiled native helper (mount, prctl, Landlock and seccomp calls).
NEEDS_NATIVE: frozenset[str] = frozenset({"uid_drop", "mountns", "landlock", "seccomp"})
SANDBOX_UID = 65534
SANDBOX_GID = 65534
