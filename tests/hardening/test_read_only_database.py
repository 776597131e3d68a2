"""The deployment guide's way to switch imports off, a database folder the app cannot write, costs nothing
else: the Data page draws every tab, the SQL box answers, and an import is refused with one clear line
(StorageError, which the page shows) instead of an OSError traceback."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from etl.db import StorageError
from i18n import t
from tests.hardening.conftest import APP


@pytest.fixture
def read_only_db(hard_db, tmp_path):
    """The session database in a folder this process cannot write (a read-only tmpfs as root, chmod otherwise)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(folder)]).returncode:
            pytest.skip("cannot mount a tmpfs here")
        shutil.copyfile(hard_db, folder / "compute.duckdb")
        subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)
        yield folder / "compute.duckdb"
        subprocess.run(["umount", "-l", str(folder)])
    else:
        shutil.copyfile(hard_db, folder / "compute.duckdb")
        folder.chmod(0o555)
        yield folder / "compute.duckdb"
        folder.chmod(0o755)


def test_the_data_page_keeps_every_tab_and_the_sql_box_works(read_only_db, monkeypatch):
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(read_only_db))
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = "en"
    at.run()
    at.switch_page("app_pages/data.py").run()
    assert not at.exception
    assert [tab.label for tab in at.tabs] == [t(f"data.tab_{name}", "en") for name in ("tables", "build", "import", "sql")]
    at.text_area(key="data_sql").set_value("select count(*) as n from models").run()
    at.button(key="data_sql_run").click().run()
    assert not at.exception and not at.error
    (answer,) = [frame.value for frame in at.dataframe if list(frame.value.columns) == ["n"]]
    assert int(answer["n"].iloc[0]) > 100


def test_an_import_into_the_read_only_folder_is_one_clear_refusal(read_only_db):
    from etl.importers.api import import_bytes

    before = read_only_db.read_bytes()
    csv = (b"Model,Domain,Publication date,Training compute (FLOP),Parameters,Organization\n"
           b"Test model,Language,2020-05-28,3.14e23,1.75e11,Lab\n")
    with pytest.raises(StorageError) as info:
        import_bytes(read_only_db, "models.csv", csv)
    assert "\n" not in str(info.value) and "not changed" in str(info.value)
    assert read_only_db.read_bytes() == before
    assert "⟦" not in t("storage.import_failed", "zh", detail=str(info.value))
