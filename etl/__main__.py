"""`python -m etl {build,import,refresh,query}`: the only code that writes the database.

Each subcommand lives in its own module exposing `add_arguments(parser)` and `run(args) -> int`.
Exit codes: 0 success, 2 bad input (the message names what was wrong; nothing changed).
"""

from __future__ import annotations

import argparse
import importlib
import sys

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
    modules = {}
    for name, (module_name, help_text) in COMMANDS.items():
        sp = sub.add_parser(name, help=help_text)
        sp.add_argument("--db", default=str(DEFAULT_DB), help="database file (default: %(default)s)")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue  # command not built yet
        module.add_arguments(sp)
        modules[name] = module
    args = parser.parse_args(argv)
    if args.command not in modules:
        print(f"etl {args.command}: not available in this build", file=sys.stderr)
        return 2
    return modules[args.command].run(args)


if __name__ == "__main__":
    sys.exit(main())
