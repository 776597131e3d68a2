"""`python -m etl {build,import,refresh,query}`: the only code that writes the database.

Each subcommand lives in its own module exposing `add_arguments(parser)` and `run(args) -> int`.
Exit codes: 0 success, 2 bad input or an I/O failure such as a full disk or a read-only folder (one
line names what was wrong; nothing changed).
"""

from __future__ import annotations

import argparse
import importlib
import sys

from etl.db import StorageError, describe_io_error
from etl.paths import DEFAULT_DB

COMMANDS = {
    "build": ("etl.build", "build the database from data/raw, atomically"),
    "import": ("etl.importers.cli", "load an upstream export (Epoch AI, OWID, OpenAI 2018)"),
    "refresh": ("etl.refresh", "download the current Epoch AI exports and import them (online only)"),
    "query": ("etl.query", "run one read-only SQL statement in the sandbox"),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m etl", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    argv = sys.argv[1:] if argv is None else argv
    chosen = next((a for a in argv if not a.startswith("-")), None)
    module = None
    for name, (module_name, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--db", default=str(DEFAULT_DB), help="database file (default: %(default)s)")
        if name == chosen:  # import only the chosen command: pandas alone costs ~1 s of start-up
            module = importlib.import_module(module_name)
            module.add_arguments(sp)
    args = parser.parse_args(argv)
    try:
        return module.run(args)
    except (StorageError, OSError) as error:  # every subcommand: one line, never a traceback
        message = str(error) if isinstance(error, StorageError) else describe_io_error(error)
        print(f"etl {args.command}: {message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
