"""The seccomp-bpf filter for strategy processes, compiled with libseccomp through ctypes.

Only ever imported in a throw-away process (the start-up probe): ctypes must never be loaded in
the server, the zygote or a strategy process. The compiled program is plain bytes; ``seccomp``
patches in the strategy process's pid and loads it through the native helper.

Default-allow with a deny list: the scientific Python stack uses too many syscalls for a safe
allow list, while everything that lets code leave the sandbox (exec, new processes, sockets,
namespaces, mounts, ptrace, io_uring, kernel keyrings, ...) is small and well known. Denied
calls kill the whole process with SIGSYS, which the server reports as a security violation; that
cannot be caught or retried by the code. Syscalls newer than this build knows fail with ENOSYS
so a future kernel's new attack surface is closed by default.
"""

from __future__ import annotations

import ctypes
import errno
import os
from collections.abc import Iterable
from dataclasses import dataclass

from Backtest.sandbox._linux.native import (
    CLONE_NEWCGROUP,
    CLONE_NEWIPC,
    CLONE_NEWNET,
    CLONE_NEWNS,
    CLONE_NEWPID,
    CLONE_NEWTIME,
    CLONE_NEWUSER,
    CLONE_NEWUTS,
    CLONE_THREAD,
)
from Backtest.sandbox._linux.seccomp import BPF_INSN_SIZE, PID_PLACEHOLDER, SeccompUnavailable

SCMP_ACT_KILL_PROCESS = 0x80000000
SCMP_ACT_ALLOW = 0x7FFF0000
SCMP_FLTATR_CTL_NNP = 3
SCMP_FLTATR_CTL_OPTIMIZE = 8  # 2 = binary tree: O(log n) per syscall instead of a linear scan
SCMP_CMP_NE = 1
SCMP_CMP_EQ = 4
SCMP_CMP_MASKED_EQ = 7
# Highest x86_64 syscall number libseccomp 2.5.4's tables and glibc 2.36 know (map_shadow_stack).
_HIGHEST_KNOWN_SYSCALL = 453
_UNKNOWN_SYSCALL_CEILING = 600
_X86_64_OPEN_TREE_ATTR = 467  # a mount-API call newer than libseccomp 2.5.4

TIOCSTI = 0x5412
TIOCLINUX = 0x541C

#: Calls whose only use inside a backtest is escaping it. Any call kills the process.
KILL_SYSCALLS: tuple[str, ...] = (
    # running programs and creating processes
    "execve",
    "execveat",
    "fork",
    "vfork",
    # networking (any address family: a strategy has no business with sockets)
    "socket",
    "socketpair",
    "connect",
    "bind",
    "listen",
    "accept",
    "accept4",
    # debugging / reading other processes
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "kcmp",
    "pidfd_open",
    "pidfd_getfd",
    "pidfd_send_signal",
    "perf_event_open",
    "bpf",
    "userfaultfd",
    # namespaces, mounts, filesystem handles
    "unshare",
    "setns",
    "mount",
    "umount2",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "open_by_handle_at",
    "name_to_handle_at",
    "fanotify_init",
    "mknod",
    "mknodat",
    # io_uring executes operations without passing through this filter
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    # kernel keyrings, modules, machine state
    "add_key",
    "request_key",
    "keyctl",
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "reboot",
    "swapon",
    "swapoff",
    "syslog",
    "acct",
    "quotactl",
    "quotactl_fd",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "iopl",
    "ioperm",
    "modify_ldt",
    "lookup_dcookie",
    "vhangup",
    "uselib",
    "tkill",
    "sysfs",
    "ustat",
    "create_module",
    "get_kernel_syms",
    "query_module",
    "_sysctl",
    "nfsservctl",
)

#: Shared memory outside the address-space limit: denied (ENOMEM) when no memory cgroup caps
#: the run's total memory, so RLIMIT_AS and the size-capped tmpfs remain the whole budget.
SHARED_MEMORY_SYSCALLS: tuple[str, ...] = ("memfd_create", "memfd_secret", "shmget", "shmat")

#: Identity changes fail politely (glibc and Python probe some of them); they are impossible
#: after the uid drop anyway.
EPERM_SYSCALLS: tuple[str, ...] = (
    "setuid",
    "setgid",
    "setreuid",
    "setregid",
    "setresuid",
    "setresgid",
    "setgroups",
    "setfsuid",
    "setfsgid",
    "capset",
    # NUMA placement: harmless to refuse, occasionally probed by allocators
    "mbind",
    "set_mempolicy",
    "migrate_pages",
    "move_pages",
)

_NAMESPACE_FLAGS = (
    CLONE_NEWNS,
    CLONE_NEWCGROUP,
    CLONE_NEWUTS,
    CLONE_NEWIPC,
    CLONE_NEWUSER,
    CLONE_NEWPID,
    CLONE_NEWNET,
    CLONE_NEWTIME,
)


class _ArgCmp(ctypes.Structure):
    _fields_ = (
        ("arg", ctypes.c_uint),
        ("op", ctypes.c_int),
        ("datum_a", ctypes.c_uint64),
        ("datum_b", ctypes.c_uint64),
    )


def _errno_action(err: int) -> int:
    return 0x00050000 | (err & 0xFFFF)


@dataclass(frozen=True)
class _Rule:
    action: int
    syscall: int
    conditions: tuple[tuple[int, int, int, int], ...] = ()


class _LibSeccomp:
    """libseccomp's entry points (loaded only in the throw-away process that compiles)."""

    def __init__(self) -> None:
        try:
            lib = ctypes.CDLL("libseccomp.so.2", use_errno=True)
        except OSError as exc:
            raise SeccompUnavailable(f"libseccomp.so.2 not loadable: {exc}") from exc
        lib.seccomp_init.restype = ctypes.c_void_p
        lib.seccomp_init.argtypes = [ctypes.c_uint32]
        lib.seccomp_release.argtypes = [ctypes.c_void_p]
        lib.seccomp_load.argtypes = [ctypes.c_void_p]
        lib.seccomp_attr_set.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32]
        lib.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
        lib.seccomp_syscall_resolve_name.restype = ctypes.c_int
        lib.seccomp_export_bpf.argtypes = [ctypes.c_void_p, ctypes.c_int]
        lib.seccomp_rule_add_array.argtypes = [
            ctypes.c_void_p,
            ctypes.c_uint32,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.POINTER(_ArgCmp),
        ]
        self.lib = lib

    def resolve(self, name: str) -> int:
        """Syscall number on this architecture (negative if it does not exist here)."""
        return int(self.lib.seccomp_syscall_resolve_name(name.encode()))


_LIB: _LibSeccomp | None = None


def _lib() -> _LibSeccomp:
    global _LIB
    if _LIB is None:
        _LIB = _LibSeccomp()
    return _LIB


def _rules(*, shared_memory: bool) -> list[_Rule]:
    """The deny list as concrete rules (resolved syscall numbers, argument conditions)."""
    lib = _lib()
    kill = SCMP_ACT_KILL_PROCESS
    rules: list[_Rule] = []
    seen: set[int] = set()

    def add(names: Iterable[str], action: int) -> None:
        for name in names:
            nr = lib.resolve(name)
            if nr < 0:  # not on this architecture
                continue
            rules.append(_Rule(action, nr))
            seen.add(nr)

    add(KILL_SYSCALLS, kill)
    add(EPERM_SYSCALLS, _errno_action(errno.EPERM))
    if not shared_memory:
        add(SHARED_MEMORY_SYSCALLS, _errno_action(errno.ENOMEM))
    rules.append(_Rule(kill, _X86_64_OPEN_TREE_ATTR))
    seen.add(_X86_64_OPEN_TREE_ATTR)
    # clone: threads only (CLONE_THREAD set), never new namespaces. clone3 passes its flags in
    # memory the filter cannot read, so it reports ENOSYS and glibc falls back to clone.
    clone = lib.resolve("clone")
    rules.append(_Rule(kill, clone, ((0, SCMP_CMP_MASKED_EQ, CLONE_THREAD, 0),)))
    for flag in _NAMESPACE_FLAGS:
        rules.append(_Rule(kill, clone, ((0, SCMP_CMP_MASKED_EQ, flag, flag),)))
    rules.append(_Rule(_errno_action(errno.ENOSYS), lib.resolve("clone3")))
    # Signals only to ourselves. The pid is a placeholder the strategy process patches in
    # (``seccomp.program_for``): one compiled program serves every process.
    for name in ("kill", "tgkill", "rt_sigqueueinfo", "rt_tgsigqueueinfo"):
        rules.append(_Rule(kill, lib.resolve(name), ((0, SCMP_CMP_NE, PID_PLACEHOLDER, 0),)))
    # Terminal input injection.
    ioctl = lib.resolve("ioctl")
    for request in (TIOCSTI, TIOCLINUX):
        rules.append(_Rule(kill, ioctl, ((1, SCMP_CMP_EQ, request, 0),)))
    for nr in range(_HIGHEST_KNOWN_SYSCALL + 1, _UNKNOWN_SYSCALL_CEILING):
        if nr not in seen:
            rules.append(_Rule(_errno_action(errno.ENOSYS), nr))
    return rules


def _build(*, shared_memory: bool) -> int:
    lib = _lib().lib
    ctx = lib.seccomp_init(SCMP_ACT_ALLOW)
    if not ctx:
        raise SeccompUnavailable("seccomp_init failed")
    try:
        # We set no_new_privs ourselves; libseccomp would do it too, keep it explicit.
        lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 1)
        lib.seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2)  # best effort
        for rule in _rules(shared_memory=shared_memory):
            conds = (_ArgCmp * max(1, len(rule.conditions)))()
            for i, (arg, op, a, b) in enumerate(rule.conditions):
                conds[i] = _ArgCmp(arg, op, a, b)
            rc = lib.seccomp_rule_add_array(
                ctx, rule.action, rule.syscall, len(rule.conditions), conds
            )
            if rc < 0:
                raise SeccompUnavailable(
                    f"seccomp_rule_add({rule.syscall}) failed: {os.strerror(-rc)}"
                )
    except BaseException:
        lib.seccomp_release(ctx)
        raise
    return int(ctx)


def compile_bpf(*, shared_memory: bool) -> bytes:
    """The filter as raw classic-BPF instructions, with ``PID_PLACEHOLDER`` for the pid.

    Building with libseccomp costs ~10 ms (hundreds of rules); the server compiles once (in a
    throw-away process) and every strategy process only patches and loads the bytes.
    """
    lib = _lib().lib
    ctx = _build(shared_memory=shared_memory)
    try:
        fd = os.memfd_create("seccomp-bpf", os.MFD_CLOEXEC)
        try:
            rc = lib.seccomp_export_bpf(ctx, fd)
            if rc < 0:
                raise SeccompUnavailable(f"seccomp_export_bpf failed: {os.strerror(-rc)}")
            size = os.lseek(fd, 0, os.SEEK_END)
            program = os.pread(fd, size, 0)
        finally:
            os.close(fd)
    finally:
        lib.seccomp_release(ctx)
    if not program or len(program) % BPF_INSN_SIZE or len(program) // BPF_INSN_SIZE > 4096:
        raise SeccompUnavailable(f"unexpected BPF program size {len(program)}")
    return program
