"""etl.db: read-only opening and the all-or-nothing update that the importers use."""

from __future__ import annotations

import duckdb
import pytest

from etl.db import DatabaseMissing, atomic_update, connect_readonly
from tests.etl.rawdata import sha256_of


@pytest.fixture
def small_db(tmp_path):
    path = tmp_path / "small.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute("create table t (a integer)")
        con.execute("insert into t values (1)")
    return path


def values(path) -> list[int]:
    with connect_readonly(path) as con:
        return [a for (a,) in con.execute("select a from t order by a").fetchall()]


def test_successful_update_is_swapped_in(small_db):
    with atomic_update(small_db) as con:
        con.execute("insert into t values (2)")
    assert values(small_db) == [1, 2]
    assert sorted(p.name for p in small_db.parent.iterdir()) == [small_db.name, small_db.name + ".lock"]


def test_failed_update_leaves_the_file_byte_for_byte_and_reraises(small_db):
    before = sha256_of(small_db)
    with pytest.raises(RuntimeError, match="half-way"), atomic_update(small_db) as con:
        con.execute("insert into t values (2)")
        raise RuntimeError("half-way")
    assert sha256_of(small_db) == before
    assert values(small_db) == [1]
    assert sorted(p.name for p in small_db.parent.iterdir()) == [small_db.name, small_db.name + ".lock"]


def test_update_of_a_missing_database_is_refused(tmp_path):
    with pytest.raises(DatabaseMissing, match="python -m etl build"), atomic_update(tmp_path / "none.duckdb"):
        pass
    assert list(tmp_path.iterdir()) == []


def test_readonly_connection_cannot_write_and_missing_file_is_not_created(small_db, tmp_path):
    with connect_readonly(small_db) as con, pytest.raises(duckdb.Error):
        con.execute("insert into t values (3)")
    with pytest.raises(DatabaseMissing):
        connect_readonly(tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_writers_wait_for_each_other(small_db):
    """A second writer blocks on the lock until the first one has swapped its file in, then copies that."""
    import threading

    first_inside, release_first = threading.Event(), threading.Event()

    def first_writer():
        with atomic_update(small_db) as con:
            con.execute("insert into t values (2)")
            first_inside.set()
            release_first.wait(timeout=30)

    thread = threading.Thread(target=first_writer)
    thread.start()
    assert first_inside.wait(timeout=30)
    second_done = threading.Event()

    def second_writer():
        with atomic_update(small_db) as con:
            con.execute("insert into t values (3)")
        second_done.set()

    other = threading.Thread(target=second_writer)
    other.start()
    assert not second_done.wait(timeout=0.5)  # still waiting for the first writer's lock
    release_first.set()
    thread.join(timeout=30)
    other.join(timeout=30)
    assert values(small_db) == [1, 2, 3]  # neither change lost
