"""The sandbox: the only place untrusted strategy code ever runs.

Layers (outermost first): a separate warm server exec'd with an allow-listed environment; per
run a forked process that is the init of its own PID namespace, with private mount, network and
IPC namespaces, pivoted into a minimal read-only tree with a size-capped tmpfs as its working
directory, under rlimits, as an unprivileged uid with no_new_privs, confined by Landlock and a
seccomp filter, with a Python audit hook for clear messages; the server SIGKILLs it at the
wall-clock deadline. ``layers.ALL_LAYERS`` names them; ``available_layers()`` probes them.

Modules: ``client`` (starts/talks to the server), ``server`` (start-up), ``loop`` / ``runstate``
/ ``prespawn`` / ``spawn`` (the server's event loop and processes), ``child`` (lockdown),
``runner`` (runs the backtest), ``seccomp``, ``landlock``, ``mounts``, ``limits``, ``audit``,
``protocol`` (framing), ``job`` (job validation), ``datafiles`` (data hand-over),
``serialize`` / ``results`` (result conversion and validation), ``rundir`` (the caller's files
of a run).

Keep this module light: the warm server imports it before anything else.
"""

from __future__ import annotations

from Backtest.sandbox.layers import ALL_LAYERS, available_layers

__all__ = ["ALL_LAYERS", "available_layers"]
