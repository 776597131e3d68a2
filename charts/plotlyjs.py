"""Which plotly.js Kaleido's page loads to draw static images.

Kaleido's page loads plotly.py's full plotly.js (4.8 MB) by default, and parsing it is most of a cold
Chromium's start: about 1.2 s of the ~2 s before a first image on this project's 2-core machine. Every chart
here draws only `scatter` and `bar` traces, which plotly.js's "basic" partial bundle (1.2 MB, the same
release, same code for those traces) draws identically; loading it instead takes about 0.3 s.

The basic bundle is not part of plotly.py: `python -m charts.plotlyjs fetch` (run by `make setup`) installs
the npm package of the *same* plotly.js release into the virtual environment, checking the registry's
integrity hash. Without it, or when its release differs from plotly.py's, Kaleido loads the full bundle:
images are the same, only slower to start. The self-contained HTML export carries the same bundle, so a
published page weighs about 0.5 MB instead of 2 MB.

    python -m charts.plotlyjs fetch     install the basic bundle matching plotly.py's plotly.js
    python -m charts.plotlyjs status    which bundle Kaleido's page loads, and why
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import re
import sys
import tarfile
import urllib.request
from pathlib import Path

BASIC_PACKAGE = "plotly.js-basic-dist-min"
BASIC_FILE = "plotly-basic.min.js"
# The trace types the basic bundle registers (plotly.js's lib/index-basic.js): a figure with any other
# type needs the full bundle.
BASIC_TRACE_TYPES = frozenset({"scatter", "bar", "pie"})
REGISTRY = "https://registry.npmjs.org"
_VERSION = re.compile(rb"plotly\.js(?: \([^)]*\))? v(\d+\.\d+\.\d+)")  # "plotly.js (basic - minified) v4.1.1"


def full_bundle() -> Path:
    """plotly.py's own plotly.min.js (what Kaleido loads by default)."""
    import plotly

    return Path(plotly.__file__).parent / "package_data" / "plotly.min.js"


def basic_bundle() -> Path:
    """Where `fetch` installs the basic bundle: inside the virtual environment, so a new venv starts clean."""
    return Path(sys.prefix) / "share" / "compute-ceiling" / BASIC_FILE


def release(path: Path) -> str | None:
    """The plotly.js release a bundle's licence header names ("plotly.js v4.1.1" -> "4.1.1"), None if absent."""
    try:
        with path.open("rb") as handle:
            match = _VERSION.search(handle.read(512))
    except OSError:
        return None
    return match.group(1).decode() if match else None


def page_bundle() -> Path | None:
    """The basic bundle when it is installed and of plotly.py's plotly.js release, else None (the full one)."""
    basic = basic_bundle()
    if basic.is_file() and release(basic) == release(full_bundle()):
        return basic
    return None


def trace_types(figure) -> set[str]:
    """The trace types a figure (go.Figure or its dict) draws; a trace without `type` is a scatter."""
    data = figure.get("data", []) if isinstance(figure, dict) else figure.data
    return {(trace.get("type") if isinstance(trace, dict) else trace.type) or "scatter" for trace in data}


def basic_draws(figure) -> bool:
    return trace_types(figure) <= BASIC_TRACE_TYPES


def _integrity_ok(blob: bytes, integrity: str) -> bool:
    """npm's `dist.integrity` is a Subresource Integrity string such as "sha512-<base64>"."""
    algorithm, _, digest = integrity.partition("-")
    if algorithm not in ("sha512", "sha384", "sha256"):
        return False
    return base64.b64encode(hashlib.new(algorithm, blob).digest()).decode() == digest


def fetch(timeout_s: float = 60.0) -> Path:
    """Download the basic bundle of plotly.py's plotly.js release from the npm registry, check its integrity
    and install it at `basic_bundle()`. Raises RuntimeError with what went wrong."""
    version = release(full_bundle())
    if version is None:
        raise RuntimeError(f"{full_bundle()} names no plotly.js release")
    with urllib.request.urlopen(f"{REGISTRY}/{BASIC_PACKAGE}/{version}", timeout=timeout_s) as answer:
        dist = json.load(answer)["dist"]
    with urllib.request.urlopen(dist["tarball"], timeout=timeout_s) as answer:
        blob = answer.read()
    if not _integrity_ok(blob, dist.get("integrity", "")):
        raise RuntimeError(f"{dist['tarball']}: integrity check failed")
    with tarfile.open(fileobj=io.BytesIO(blob), mode="r:gz") as archive:
        script = archive.extractfile(f"package/{BASIC_FILE}").read()
    target = basic_bundle()
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".part")
    partial.write_bytes(script)
    if (found := release(partial)) != version:
        partial.unlink()
        raise RuntimeError(f"{BASIC_PACKAGE}@{version} holds plotly.js {found}")
    partial.replace(target)
    return target


def status() -> str:
    chosen = page_bundle()
    if chosen is not None:
        return f"Kaleido loads {chosen} (plotly.js {release(chosen)}, basic bundle)"
    basic = basic_bundle()
    why = (f"{basic} is plotly.js {release(basic)}, plotly.py has {release(full_bundle())}" if basic.is_file()
           else f"{basic} is not installed (python -m charts.plotlyjs fetch)")
    return f"Kaleido loads the full bundle {full_bundle()}: {why}"


def main(argv: list[str] | None = None) -> int:
    command = (argv if argv is not None else sys.argv[1:]) or ["status"]
    if command[0] == "fetch":
        if page_bundle() is not None:
            print(f"{basic_bundle()} is installed (plotly.js {release(basic_bundle())})")
            return 0
        try:
            print(f"installed {fetch()}")
        except (OSError, RuntimeError, KeyError, ValueError) as exc:
            print(f"could not install the basic plotly.js bundle ({exc}); static exports load the full one",
                  file=sys.stderr)
            return 1
        return 0
    if command[0] == "status":
        print(status())
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main())
