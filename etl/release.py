"""The data's version and age (docs/CONTRACTS.md §2, build_info).

`data/CHANGELOG.md` names each data version under a heading `## 2026.11.1 — 2026-11-29` (year.month.n and
the release date), newest first, with the English text after `<!-- en -->` and the Chinese after
`<!-- zh -->`. The data's "as of" date is the newest access date in sources.csv: no figure in the
tables can be newer than the day its source was last read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from etl.schema import Problem, shown_path

VERSION_HEADING = re.compile(r"##\s+(\S+)(?:\s+[—–-]+\s+(\S+))?\s*")
VERSION = re.compile(r"\d{4}\.\d{1,2}\.\d+")
LANGUAGE_MARK = re.compile(r"<!--\s*(en|zh)\s*-->\s*")
CHANGELOG_NAME = "CHANGELOG.md"


@dataclass(frozen=True)
class ChangelogEntry:
    version: str
    released: date | None
    text: dict[str, str] = field(default_factory=dict)  # language -> markdown


@dataclass
class Changelog:
    path: Path | None
    entries: list[ChangelogEntry] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def version(self) -> str | None:
        """The newest data version (the first heading), None without a changelog."""
        return self.entries[0].version if self.entries else None


def changelog_path_for(raw_dir: Path) -> Path:
    """data/raw -> data/CHANGELOG.md: the changelog lives beside the raw folder it describes."""
    return raw_dir.parent / CHANGELOG_NAME


def read_changelog(path: Path) -> Changelog:
    """Parse the changelog; a missing file is no changelog (version None), a malformed heading a problem."""
    if not path.is_file():
        return Changelog(None)
    log, shown = Changelog(path), shown_path(path)
    drafts: list[tuple[str, date | None, dict[str, list[str]]]] = []
    language = "en"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        heading = VERSION_HEADING.fullmatch(line) if line.startswith("## ") else None
        mark = LANGUAGE_MARK.fullmatch(line.strip())
        if heading:
            version, released = _heading(heading, number, shown, log.problems)
            if version in {d[0] for d in drafts}:
                log.problems.append(Problem(shown, number, None, version, "each data version once"))
            drafts.append((version, released, {}))
            language = "en"
        elif mark:
            language = mark.group(1)
        elif drafts:
            drafts[-1][2].setdefault(language, []).append(line)
    log.entries = [ChangelogEntry(version, released, {k: "\n".join(v).strip() for k, v in text.items()})
                   for version, released, text in drafts]
    return log


def _heading(heading: re.Match, number: int, shown: str, problems: list[Problem]) -> tuple[str, date | None]:
    version, released_text = heading.group(1), heading.group(2)
    if not VERSION.fullmatch(version):
        problems.append(Problem(shown, number, None, version, "a data version like 2026.11.1 (year.month.n)"))
    if not released_text:
        return version, None
    try:
        return version, date.fromisoformat(released_text)
    except ValueError:
        problems.append(Problem(shown, number, None, released_text, "a release date YYYY-MM-DD"))
        return version, None


def data_as_of(source_rows: list[dict]) -> date | None:
    """The newest `accessed` date among the sources (None when no source gives one)."""
    dates = [row["accessed"] for row in source_rows if row.get("accessed") is not None]
    return max(dates) if dates else None
