"""A build or import that cannot write its file fails loudly and changes nothing: a full disk, a read-only
folder, a zero-byte or truncated database, a build killed half-way (its temporary files are removed by
the next build), and faults injected where no small filesystem can be mounted."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

import etl.db as db
from etl.__main__ import main as etl_main
from etl.paths import ROOT
from tests.etl.rawdata import sha256_of


def etl(capsys, *args) -> tuple[int, list[str]]:
    code = etl_main([str(a) for a in args])
    return code, capsys.readouterr().err.strip().splitlines()


def temp_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".tmp" in p.name)


@pytest.fixture
def mount(tmp_path):
    """mount(size, read_only=False) -> a fresh tmpfs folder; skips unless running as root with mount allowed."""
    mounted = []

    def make(size: str, read_only: bool = False, fill_from: Path | None = None) -> Path:
        if os.geteuid() != 0:
            pytest.skip("a small filesystem needs root (mount -t tmpfs); the fault-injection tests cover this case")
        point = tmp_path / f"fs{len(mounted)}"
        point.mkdir()
        if subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(point)]).returncode:
            pytest.skip("mount -t tmpfs is not allowed here")
        mounted.append(point)
        if fill_from is not None:
            (point / fill_from.name).write_bytes(fill_from.read_bytes())
        if read_only:
            subprocess.run(["mount", "-o", "remount,ro", str(point)], check=True)
        return point

    yield make
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)])


@pytest.fixture
def built(raw, db_path, capsys):
    assert etl(capsys, "build", "--raw", raw, "--db", db_path)[0] == 0
    return db_path


# --- a full disk -----------------------------------------------------------------------------


def test_a_build_on_a_full_filesystem_exits_2_with_one_line_and_leaves_nothing(raw, mount, capsys):
    target = mount("1500k") / "compute.duckdb"
    code, err = etl(capsys, "build", "--raw", raw, "--db", target)
    assert code == 2
    assert len(err) == 1 and err[0].startswith("etl build:") and "not changed" in err[0]
    # no empty database swapped in, no temporary file left (the writers' lock file stays, by design)
    assert [p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")] == []


def fill(folder: Path, leave_bytes: int) -> None:
    """Take all but `leave_bytes` of the filesystem's free space."""
    free = os.statvfs(folder).f_bavail * os.statvfs(folder).f_frsize
    (folder / "filler").write_bytes(b"\0" * max(free - leave_bytes, 0))


def test_a_rebuild_on_a_full_filesystem_keeps_the_previous_database(raw, built, mount, capsys):
    target = mount("8m", fill_from=built) / built.name
    fill(target.parent, 300_000)
    before = sha256_of(target)
    code, err = etl(capsys, "build", "--raw", raw, "--db", target)
    assert code == 2 and len(err) == 1 and "No space left" in err[0]
    assert sha256_of(target) == before
    assert sorted(p.name for p in target.parent.iterdir() if not p.name.endswith(".lock")) == ["compute.duckdb",
                                                                                              "filler"]


def test_an_import_on_a_full_filesystem_keeps_the_previous_database(built, mount, capsys):
    target = mount("8m", fill_from=built) / built.name
    fill(target.parent, 300_000)
    before = sha256_of(target)
    code, err = etl(capsys, "import", "--prefer", "upstream", "--db", target)
    assert code == 2 and len(err) == 1 and "not changed" in err[0]
    assert sha256_of(target) == before
    assert temp_files(target.parent) == []


# --- a read-only folder ----------------------------------------------------------------------


@pytest.fixture
def read_only_copy(built, mount, tmp_path):
    """The built database in a folder the process cannot write: a read-only tmpfs as root, chmod otherwise."""
    if os.geteuid() == 0:
        yield mount("8m", read_only=True, fill_from=built) / built.name
        return
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / built.name).write_bytes(built.read_bytes())
    folder.chmod(0o555)
    yield folder / built.name
    folder.chmod(0o755)


@pytest.mark.parametrize("command", [["build"], ["import", "--prefer", "upstream"]])
def test_writing_into_a_read_only_folder_exits_2_with_one_line(raw, read_only_copy, capsys, command):
    before = sha256_of(read_only_copy)
    extra = ["--raw", raw] if command == ["build"] else []
    code, err = etl(capsys, *command, *extra, "--db", read_only_copy)
    assert code == 2 and len(err) == 1
    assert "Read-only file system" in err[0] or "Permission denied" in err[0]
    assert sha256_of(read_only_copy) == before


def test_the_sql_box_still_reads_a_database_in_a_read_only_folder(read_only_copy):
    from etl.sandbox import run_query

    assert run_query(read_only_copy, "select count(*) as n from models").rows["n"].iloc[0] == 4


# --- a damaged database ------------------------------------------------------------------------


@pytest.mark.parametrize("keep_bytes", [0, 5000])
def test_a_zero_byte_or_truncated_database_gets_a_clear_message(raw, built, capsys, keep_bytes):
    built.write_bytes(built.read_bytes()[:keep_bytes])
    damaged = sha256_of(built)
    code, err = etl(capsys, "build", "--raw", raw, "--db", built)
    assert code == 2 and "readable DuckDB database" in "\n".join(err) and "Traceback" not in "\n".join(err)
    code, err = etl(capsys, "import", "--prefer", "upstream", "--db", built)
    assert code == 2 and len(err) == 1 and "not a readable DuckDB database" in err[0]
    assert sha256_of(built) == damaged
    assert temp_files(built.parent) == []


# --- killed builds ---------------------------------------------------------------------------


def kill_mid_build(raw: Path, target: Path) -> bool:
    """Start `python -m etl build`, SIGKILL it once its temporary file exists; True when it died mid-way."""
    child = subprocess.Popen([sys.executable, "-m", "etl", "build", "--raw", str(raw), "--db", str(target)],
                             cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while child.poll() is None and time.monotonic() < deadline:
        if temp_files(target.parent):
            child.send_signal(signal.SIGKILL)
            child.wait()
            return True
        time.sleep(0.002)
    child.wait()
    return False


def test_the_next_build_removes_what_killed_builds_left(raw, built, capsys):
    kills = sum(kill_mid_build(raw, built) for _ in range(3))
    if not kills:
        pytest.skip("every build finished before it could be killed")
    assert temp_files(built.parent)  # the killed builds left their temporary files
    before = sha256_of(built)
    code, _ = etl(capsys, "build", "--raw", raw, "--db", built)
    assert code == 0
    assert temp_files(built.parent) == []
    assert sha256_of(built) != before  # and the build itself went through


def test_a_live_writers_temporary_file_is_kept(built):
    mine = built.with_name(f".{built.name}.{os.getpid()}.abcdefgh.tmp")
    mine.write_bytes(b"in progress")
    dead = built.with_name(f".{built.name}.999999999.abcdefgh.tmp")
    dead.write_bytes(b"orphan")
    (dead.parent / (dead.name + ".wal")).write_bytes(b"orphan log")
    assert sorted(p.name for p in db.remove_orphans(built)) == sorted([dead.name, dead.name + ".wal"])
    assert mine.exists()


# --- fault injection (any user, any filesystem) ------------------------------------------------


def test_a_copy_that_fails_with_no_space_leaves_the_database(built, capsys, monkeypatch):
    def no_space(*_args, **_kwargs):
        raise OSError(28, "No space left on device", str(built))

    monkeypatch.setattr(db.shutil, "copyfile", no_space)
    before = sha256_of(built)
    code, err = etl(capsys, "import", "--prefer", "upstream", "--db", built)
    assert code == 2 and len(err) == 1 and "No space left on device" in err[0]
    assert sha256_of(built) == before and temp_files(built.parent) == []


def test_a_file_that_reads_back_short_is_not_swapped_in(raw, built, capsys, monkeypatch):
    """As if the disk had silently dropped rows: the read-back count differs from what was written."""
    real = db.table_counts
    calls = []

    def short_on_read_back(con):
        counts = real(con)
        calls.append(1)
        return {name: n - 1 for name, n in counts.items()} if len(calls) % 2 == 0 else counts

    monkeypatch.setattr(db, "table_counts", short_on_read_back)
    before = sha256_of(built)
    code, err = etl(capsys, "build", "--raw", raw, "--db", built)
    assert code == 2 and len(err) == 1 and "reads back wrong" in err[0]
    assert sha256_of(built) == before and temp_files(built.parent) == []


def test_a_write_ahead_log_left_beside_the_new_file_stops_the_swap(tmp_path):
    path = tmp_path / "new.duckdb"
    con = duckdb.connect(str(path))
    con.execute("create table t as select 1 as a")
    counts = db.table_counts(con)
    con.close()
    path.with_name(path.name + ".wal").write_bytes(b"rows the checkpoint never wrote")
    with pytest.raises(db.StorageError, match="not fully written"):
        db.verify_file(path, counts)


def test_a_new_file_without_the_required_tables_is_refused(tmp_path):
    path = tmp_path / "empty.duckdb"
    duckdb.connect(str(path)).close()
    with pytest.raises(db.StorageError, match="lacks tables"):
        db.verify_file(path, {}, {"models"})
