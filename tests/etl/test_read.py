"""etl.read.Store: named queries, the table whitelist, thread safety and picking up a rebuild."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest

from etl.build import build
from etl.read import DatabaseMissing, Store, UnknownTable
from tests.etl.rawdata import VALID_TABLES, write_raw


def quiet(_message: str) -> None:
    pass


@pytest.fixture
def store(raw, db_path):
    build(raw, db_path, log=quiet)
    return Store(db_path)


def test_named_queries_return_the_rows_of_the_raw_tables(store):
    assert list(store.models()["name"]) == ["AlexNet", "GPT-3", "Small-2021", "GPT-4"]  # by date
    assert list(store.frontier_models()["name"]) == ["AlexNet", "GPT-3", "GPT-4"]
    assert list(store.accelerators()["accelerator_id"]) == ["nvidia-h100-sxm"]
    assert list(store.events()["label"]) == ["ChatGPT released", "ChatGPT Plus sign-ups paused"]
    assert list(store.sources()["source_id"]) == ["src-a", "src-b"]
    assert list(store.market_share()["vendor"]) == ["NVIDIA", "AMD"]  # larger share first
    assert store.foundry_capacity()["capacity_central"].tolist() == [35000]
    assert set(store.trend_claims()["claim_id"]) >= {"openai-2018", "epoch-4x", "epoch-notable-4-6x-since-2010"}
    assert len(store.build_info()) == len(VALID_TABLES)


def test_shipments_by_quarter_and_by_year(store):
    quarterly = store.shipments()
    assert len(quarterly) == 5 and set(quarterly["quarter"]) == {1, 2, 3, 4}
    annual = store.shipments(granularity="year")
    assert annual.equals(store.shipments_annual())
    assert list(zip(annual["vendor"], annual["year"], strict=True)) == [("AMD", 2024), ("NVIDIA", 2023), ("NVIDIA", 2024)]
    with pytest.raises(ValueError, match="quarter, year"):
        store.shipments("month")


def test_installed_stock(store):
    stock = store.installed_stock()
    total = stock[stock["vendor"] == "all"]
    assert total["cumulative_h100e_median"].tolist() == [400, 400 + 466 + 8]


def test_tables_lists_names_kinds_rows_and_descriptions(store):
    tables = store.tables().set_index("name")
    assert list(store.tables().columns) == ["name", "kind", "rows", "description"]
    assert tables.loc["models", "kind"] == "table" and tables.loc["models", "rows"] == 4
    assert tables.loc["mart_models", "kind"] == "view" and tables.loc["mart_models", "rows"] == 4
    assert tables.loc["models_imported", "rows"] == 0
    assert "FLOP" in tables.loc["models", "description"]
    assert all(tables["description"] != "")


def test_table_reads_whitelisted_names_only(store):
    assert len(store.table("events")) == 2
    assert len(store.table("mart_shipments_annual")) == 3
    for name in ["nope", "events; drop table events", 'events" --', "duckdb_settings()"]:
        with pytest.raises(UnknownTable, match="choose from"):
            store.table(name)


def test_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(DatabaseMissing, match=r"database not found: .*absent\.duckdb .*python -m etl build"):
        Store(tmp_path / "absent.duckdb")
    assert not (tmp_path / "absent.duckdb").exists()


def test_store_is_read_only(store):
    with pytest.raises(Exception, match="read-only"):
        store._frame("insert into events values ('2024-01-01', 'x', null, 'launch', 'src-a', null)")


def test_concurrent_calls_from_many_threads_agree(store):
    expected = store.models()

    def read(_):
        return store.models(), store.shipments()

    with ThreadPoolExecutor(max_workers=8) as pool:
        results = list(pool.map(read, range(32)))
    assert all(models.equals(expected) for models, _ in results)
    assert all(len(quarterly) == 5 for _, quarterly in results)


def test_a_rebuild_is_picked_up_on_the_next_call(raw, db_path, store):
    assert len(store.models()) == 4
    extra = "New-2024,Lab Z,2024-02-02,Language,,1e24,,true,false,false,estimate,src-a,\n"
    write_raw(raw, models=VALID_TABLES["models"] + extra)
    build(raw, db_path, log=quiet)  # os.replace: a new inode at the same path
    assert len(store.models()) == 5
    assert "New-2024" in set(store.table("models")["name"])


def test_an_older_copy_swapped_back_in_is_noticed(raw, db_path, store, tmp_path):
    # Same size, maybe same mtime second: the inode (or mtime in ns) still tells the files apart.
    old_copy = tmp_path / "old.duckdb"
    old_copy.write_bytes(db_path.read_bytes())
    write_raw(raw, models=VALID_TABLES["models"].replace("AlexNet", "AlexNet-renamed"))
    build(raw, db_path, log=quiet)
    assert "AlexNet-renamed" in set(store.models()["name"])
    os.replace(old_copy, db_path)
    assert "AlexNet" in set(store.models()["name"])
