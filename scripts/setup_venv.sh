#!/usr/bin/env bash
# Create .venv and install requirements.txt: uv when it can be had, pip otherwise.
set -euo pipefail
cd "$(dirname "$0")/.."
PY3=${PYTHON:-python3}
if ! command -v uv >/dev/null 2>&1; then
  "$PY3" -m pip install -q uv >/dev/null 2>&1 || true
fi
if command -v uv >/dev/null 2>&1 || "$PY3" -m uv --version >/dev/null 2>&1; then
  UV="uv"; command -v uv >/dev/null 2>&1 || UV="$PY3 -m uv"
  [ -x .venv/bin/python ] || $UV venv -q .venv
  # --compile-bytecode: uv leaves packages uncompiled by default, and where PYTHONDONTWRITEBYTECODE is set every
  # process would compile ~650 modules again (seconds per CLI call, per test server, per app start)
  if $UV pip install -q --compile-bytecode --python .venv/bin/python -r requirements.txt; then
    installed=1
  else
    echo "uv install failed; falling back to pip" >&2
  fi
fi
if [ -z "${installed:-}" ]; then
  [ -x .venv/bin/python ] || "$PY3" -m venv .venv
  .venv/bin/python -m pip install -q -r requirements.txt
fi
# plotly.js's basic bundle from the npm registry, for Kaleido's page (charts/plotlyjs.py): static exports
# start in about half the time. Optional: without it they load plotly.py's full bundle, same images.
.venv/bin/python -m charts.plotlyjs fetch || true
