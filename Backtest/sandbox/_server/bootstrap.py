"""The first lines the sandbox server runs (``python -s -P -B -c <code> <repo> <config>``).

Kept apart from ``main`` so the caller can build the command line without importing the server.
"""

from __future__ import annotations

from pathlib import Path

#: Set in the inert stand-in for ctypes, so the one process allowed the real module (the
#: start-up probe) can tell it apart.
CTYPES_STUB_MARKER = "__sandbox_stub__"
#: Source that makes ``Backtest`` and ``Backtest.sandbox`` importable from ``sys.argv[1]``
#: without running their ``__init__`` (which would load the caller's side of the package).
PACKAGES = (
    "import sys, types\n"
    "root = sys.argv[1]\n"
    "for name, path in (('Backtest', '/Backtest'), ('Backtest.sandbox', '/Backtest/sandbox')):\n"
    "    pkg = types.ModuleType(name)\n"
    "    pkg.__path__ = [root + path]\n"
    "    pkg.__file__ = root + path + '/__init__.py'\n"
    "    sys.modules[name] = pkg\n"
    "sys.path.insert(0, root)\n"
)


def bootstrap_code() -> str:
    """Source passed with ``-c``.

    In order: an inert stand-in for ``ctypes`` (pandas imports ctypes unconditionally; the real
    module must never be loaded in the server, the zygote or a strategy process, so that no
    foreign-function interface exists in them), the ``Backtest`` packages without running their
    ``__init__``, the native helper, then the PID namespace. The namespace is entered before the
    heavy imports because the process left behind to wait keeps, as private memory, whatever
    heap it had at the fork: about 4 MB here instead of hundreds after importing the stack.
    """
    return (
        "import json, os, sys, types\n"
        "config = json.loads(sys.argv[2])\n"
        "stub = types.ModuleType('ctypes', 'not available in the sandbox')\n"
        f"stub.{CTYPES_STUB_MARKER} = True\n"
        "def _unavailable(name):\n"
        "    raise AttributeError(f'ctypes is not available in the sandbox ({name})')\n"
        "stub.__getattr__ = _unavailable\n"
        "sys.modules['ctypes'] = stub\n" + PACKAGES + "from Backtest.sandbox._linux import native\n"
        "if config.get('native_path'):\n"
        "    try:\n"
        "        native.load(config['native_path'])\n"
        "    except (ImportError, OSError) as exc:\n"
        "        print(f'[sandbox-server] native helper not loaded: {exc}', file=sys.stderr)\n"
        "in_pidns = None\n"
        "if 'pidns' not in config.get('disabled_layers', []):\n"
        "    in_pidns = False\n"
        "    try:\n"
        "        os.unshare(os.CLONE_NEWPID)\n"
        "    except OSError:\n"
        "        pass\n"
        "    else:\n"
        "        pid = os.fork()\n"
        "        if pid:\n"
        "            os.close(1)\n"
        "            os._exit(os.waitstatus_to_exitcode(os.waitpid(pid, 0)[1]) & 0xFF)\n"
        "        if native.available():\n"
        "            native.prctl(native.PR_SET_PDEATHSIG, 9)\n"
        "        in_pidns = True\n"
        "from Backtest.sandbox._server.main import main\n"
        "main(config, in_pidns=in_pidns)\n"
    )


def repo_root() -> str:
    """The directory holding the ``Backtest`` package."""
    return str(Path(__file__).resolve().parents[3])
