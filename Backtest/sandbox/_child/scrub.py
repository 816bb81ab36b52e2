"""Make native entry points unreachable from strategy code.

Two steps. ``forget_native_modules`` runs once in the server, right before it forks the zygote,
so the zygote and every strategy process start without them: modules that expose raw memory,
native calls without an audit event, or process creation (ctypes was never loaded at all;
``_posixsubprocess.fork_exec``, POSIX shared memory, CPython's test modules) are removed from
``sys.modules`` and every module attribute still pointing at them is cleared (neither the server
nor anything it forks starts programs). ``forget_sandbox_internals`` runs in each strategy
process after the lockdown (the native helper is sealed by then): the sandbox's own server,
zygote and OS-layer modules leave ``sys.modules``. The audit hook then refuses to import any
of them again.
"""

from __future__ import annotations

import sys
from types import ModuleType
from typing import Any

#: Extension modules a strategy must never reach: generic FFIs, raw memory, process creation
#: without an audit event, shared memory outside the memory budget, interpreter internals.
DENIED_MODULES: frozenset[str] = frozenset(
    {
        "ctypes",
        "_ctypes",
        "_ctypes_test",
        "cffi",
        "_cffi_backend",
        "_posixsubprocess",
        "_posixshmem",
        "_testcapi",
        "_testinternalcapi",
        "_testlimitedcapi",
        "_testbuffer",
        "_testmultiphase",
        "_testsinglephase",
        "_testclinic",
        "_testimportmultiple",
        "_xxtestfuzz",
        "_interpreters",
        "_interpqueues",
        "_interpchannels",
        "_xxsubinterpreters",
        "_xxinterpchannels",
    }
)
#: The sandbox's own helper stays loaded in the zygote (its children need it for their
#: lockdown); each strategy process seals it. It may never be imported again either.
_NOT_IMPORTABLE = DENIED_MODULES | {"_sandbox_native"}
_INTERNAL_PREFIXES = (
    "Backtest.sandbox._linux",
    "Backtest.sandbox._server",
    "Backtest.sandbox._zygote",
)


def is_denied(name: str) -> bool:
    """Whether a module name is one strategy code may not import."""
    return name.split(".", 1)[0] in _NOT_IMPORTABLE


def _scrubbed(name: str) -> bool:
    return name.split(".", 1)[0] in DENIED_MODULES


def _points_at_denied(value: Any) -> bool:
    if isinstance(value, ModuleType):
        return _scrubbed(value.__name__)
    try:
        module = getattr(value, "__module__", None) if callable(value) else None
    except Exception:  # an object with a hostile or lazy __getattr__: not one of ours
        return False
    return isinstance(module, str) and _scrubbed(module)


def forget_native_modules() -> list[str]:
    """Drop denied modules from ``sys.modules`` and clear attributes referring to them.

    Returns the attributes cleared (``module.name``), for the server's log.
    """
    for name in [n for n in sys.modules if _scrubbed(n)]:
        del sys.modules[name]
    cleared = []
    for module_name, module in list(sys.modules.items()):
        namespace = getattr(module, "__dict__", None)
        if not isinstance(namespace, dict):
            continue
        for key, value in list(namespace.items()):
            if _points_at_denied(value):
                namespace[key] = None
                cleared.append(f"{module_name}.{key}")
    return cleared


def forget_sandbox_internals() -> None:
    """Remove the sandbox's own OS-layer, server and zygote modules from ``sys.modules``."""
    for name in [n for n in sys.modules if n.startswith(_INTERNAL_PREFIXES)]:
        del sys.modules[name]
