"""`python -m etl import FILE [--db PATH] [--accessed YYYY-MM-DD] [--prefer curated|upstream]`.

Prints the format found, what the import changed in what readers see (rows added, rows replaced,
rows already shown from a copy that wins) and every rejected row with its reason. Imports are keyed
by the file's SHA-256 (the same content again replaces its own rows) and serialised by the
database's writer lock, so two imports run at once both land. Exit codes: 0 done, 2 refused (the
message names the file and what was wrong; the database is unchanged).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date

from etl.importers.api import ImportReport, import_path, set_source_preference
from etl.importers.base import ImportRefused
from etl.importers.store import PREFERENCES
from i18n import t


def _iso_date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {text!r}") from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("file", nargs="?", help="CSV export to import (format detected from its columns)")
    parser.add_argument("--accessed", type=_iso_date,
                        help="the date the file was downloaded (default: the file's modification date)")
    parser.add_argument("--prefer", choices=PREFERENCES,
                        help="which row the marts keep when curated and imported rows describe the same model")


def print_report(report: ImportReport, out=None) -> None:
    out = out or sys.stdout  # looked up per call: tests and callers may swap sys.stdout
    print(report.summary("en"), file=out)
    for note in report.notes:
        print(f"  note: {note.message('en')}", file=out)
    for rejected in report.rejected:
        print(f"  {t('importers.row', 'en').lower()} {rejected.row}: {rejected.reason('en')}", file=out)


def run(args: argparse.Namespace) -> int:
    if args.file is None and args.prefer is None:
        print("etl import: give a FILE to import, or --prefer curated|upstream", file=sys.stderr)
        return 2
    try:
        if args.file is not None:
            print_report(import_path(args.db, args.file, getattr(args, "accessed", None)))
        if args.prefer is not None:
            set_source_preference(args.db, args.prefer)
            print(t("importers.prefer_set", "en", preference=args.prefer))
    except ImportRefused as refusal:
        print(f"etl import: {refusal.message('en')} {t('importers.refused', 'en')}", file=sys.stderr)
        return 2
    except OSError as error:  # e.g. a read-only folder: no lock file, no temporary copy
        print(f"etl import: cannot write beside {args.db}: {error.strerror or error}. "
              f"{t('importers.refused', 'en')}", file=sys.stderr)
        return 2
    return 0
