"""Loading the strategy process's seccomp filter (compiled once by ``seccomp_build``).

The program arrives as raw classic-BPF bytes with a placeholder where the process's own pid
belongs (signals may only go to itself); ``program_for`` patches the real pid into the
comparison instructions, so one compiled program serves every process, with or without a PID
namespace, and no strategy process ever needs libseccomp (or ctypes).
"""

from __future__ import annotations

import struct

from Backtest.sandbox._linux import native

#: A value no pid can have (pid_max is at most 2**22): marks the instructions to patch.
PID_PLACEHOLDER = 0x3FFFFFF1
BPF_INSN_SIZE = 8
_INSN = struct.Struct("=HBBI")  # struct sock_filter: code, jt, jf, k
_BPF_CLASS_MASK = 0x07
_BPF_JMP = 0x05
_BPF_SRC_X = 0x08


class SeccompUnavailable(RuntimeError):
    """libseccomp cannot be loaded or cannot build a filter on this machine."""


def program_for(program: bytes, own_pid: int) -> bytes:
    """``program`` with every placeholder comparison (``k == PID_PLACEHOLDER``) set to
    ``own_pid``; raises ``ValueError`` if the program has no placeholder (a wrong program)."""
    if len(program) % BPF_INSN_SIZE or not 0 < own_pid < PID_PLACEHOLDER:
        raise ValueError("not a BPF program, or an impossible pid")
    out = bytearray(program)
    patched = 0
    for offset in range(0, len(out), BPF_INSN_SIZE):
        code, jt, jf, k = _INSN.unpack_from(out, offset)
        if k == PID_PLACEHOLDER and code & _BPF_CLASS_MASK == _BPF_JMP and not code & _BPF_SRC_X:
            _INSN.pack_into(out, offset, code, jt, jf, own_pid)
            patched += 1
    if not patched:
        raise ValueError("the seccomp program has no pid placeholder")
    return bytes(out)


def install(program: bytes, own_pid: int) -> None:
    """Load the filter for ``own_pid`` (needs no_new_privs). Irreversible."""
    native.seccomp_load(program_for(program, own_pid))
