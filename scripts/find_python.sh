#!/usr/bin/env bash
# Print the path of a Python >= 3.12 (Django 6.1 needs it), or explain and exit 1.
# Order: $PYTHON if given, python3.13, python3.12 on PATH, then pyenv-installed versions
# (pyenv shims exist for versions that are installed but not selected, and fail when run).
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }

if [ -n "${PYTHON:-}" ]; then
  if ok "$PYTHON"; then command -v "$PYTHON" || echo "$PYTHON"; exit 0; fi
  echo "PYTHON=$PYTHON is not a working Python >= 3.12." >&2
  exit 1
fi
for name in python3.13 python3.12; do
  if command -v "$name" >/dev/null 2>&1 && ok "$name"; then
    # Resolve pyenv shims to the real interpreter so the venv does not depend on pyenv state.
    "$name" -c 'import sys; print(sys.executable)'
    exit 0
  fi
done
roots=()
command -v pyenv >/dev/null 2>&1 && roots+=("$(pyenv root 2>/dev/null)")
roots+=("${PYENV_ROOT:-$HOME/.pyenv}")
for root in "${roots[@]}"; do
  for candidate in "$root"/versions/3.13*/bin/python3.13 "$root"/versions/3.12*/bin/python3.12; do
    if [ -x "$candidate" ] && ok "$candidate"; then echo "$candidate"; exit 0; fi
  done
done
cat >&2 <<'MSG'
No Python >= 3.12 found. Django 6.1 requires Python 3.12 or newer.
Tried: python3.13, python3.12 on PATH and pyenv versions. Install one (e.g. `pyenv install 3.13`
or your OS package python3.13) or point to it: make run PYTHON=/path/to/python3.13
MSG
exit 1
