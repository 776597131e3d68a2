"""Importing into the database: provenance, re-imports, atomicity, upload guards, the CLI."""

from datetime import date

import pytest

from etl.__main__ import main
from etl.importers import ImportRefused, import_bytes, set_source_preference
from tests.importers.conftest import rows, sha256

OPENAI = (b"publication_date,overall_peta_flop_days,result\n"
          b"2012-06-01,0.00578754,AlexNet\n2017-12-05,3000,AlphaZero\n2015-01-01,inf,Broken\n")


def test_rows_land_with_provenance(db):
    report = import_bytes(db, "/some/dir/openai.csv", OPENAI)
    assert (report.format_id, report.rows_read, report.rows_added) == ("openai_2018", 3, 2)
    assert [(r.row, r.code) for r in report.rejected] == [(4, "not_finite")]
    got = rows(db, "select name, training_compute_flop, openai_2018, import_file, import_format, source_row "
                   "from models_imported order by source_row")
    assert got[0][:1] == ("AlexNet",) and got[0][1] == pytest.approx(5.0e17, rel=1e-3)
    assert got[1][1] == pytest.approx(3000 * 8.64e19)
    assert [g[2:] for g in got] == [(True, "openai.csv", "openai_2018", 2), (True, "openai.csv", "openai_2018", 3)]


def test_same_content_twice_replaces_its_own_rows(db):
    import_bytes(db, "openai.csv", OPENAI)
    again = import_bytes(db, "openai.csv", OPENAI)
    # the two models were shown from the first import and are now shown from the second: replaced, not added
    assert (again.rows_stored, again.rows_added, again.rows_replaced, again.rows_kept) == (2, 0, 2, 0)
    assert rows(db, "select count(*) from models_imported") == [(2,)]
    import_bytes(db, "renamed.csv", OPENAI)  # the same content under another name is still the same import
    assert rows(db, "select count(*), min(import_file) from models_imported") == [(2, "renamed.csv")]
    assert rows(db, "select count(*) from imports") == [(1,)]


def test_same_name_other_content_keeps_both_files(db):
    first = import_bytes(db, "export.csv", OPENAI)
    other = OPENAI.replace(b"AlphaZero", b"AlphaGo Zero")
    second = import_bytes(db, "export.csv", other)
    assert (first.rows_added, second.rows_added, second.rows_replaced) == (2, 1, 1)  # AlexNet replaced, one new
    assert rows(db, "select count(*) from models_imported") == [(4,)]
    assert rows(db, "select count(*), count(distinct sha256) from imports") == [(2, 2)]


def test_manifest_records_hash_size_and_access_date(db, tmp_path):
    path = tmp_path / "openai.csv"
    path.write_bytes(OPENAI)
    report = import_bytes(db, path.name, OPENAI, accessed=date(2026, 4, 2))
    assert report.sha256 == sha256(path) and report.size_bytes == len(OPENAI)
    assert rows(db, "select sha256, file_name, size_bytes, accessed, import_format, target, rows_stored from imports") == [
        (sha256(path), "openai.csv", len(OPENAI), date(2026, 4, 2), "openai_2018", "models", 2)]


def test_shipments_of_the_same_period_from_two_files_both_stay_and_the_latest_is_shown(db):
    text = (b"Name,Chip manufacturer,Start date,End date,Compute estimate in H100e (median),Number of Units,Chip type\n"
            b"Q1,Amazon,1/1/2024,3/31/2024,100,400,Trainium1\n")
    import_bytes(db, "a.csv", text)
    report = import_bytes(db, "b.csv", text.replace(b",100,", b",120,"))
    assert (report.rows_added, report.rows_replaced) == (0, 1)
    assert rows(db, "select import_file, h100e_median from shipments_imported order by import_file") == [
        ("a.csv", 100.0), ("b.csv", 120.0)]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        (b"Year,Revenue\n2022,1\n", "unknown_format"),
        (b"Entity,Day,Training computation (petaFLOP)\nX,,NA\n", "no_usable_rows"),
        (b"PK\x03\x04 an xlsx workbook", "binary"),
        (b"Model,Date\x00\x00\x01", "binary"),
        (b"", "empty"),
        (("," * 1500 + "\n1\n").encode(), "too_many_columns"),
        (b"Model,Publication date,Training compute (FLOP)\nX\x81\x8d,2020-01-01,1e20\n", "encoding"),
        (b'Model,Publication date,Training compute (FLOP)\n"unclosed,2020-01-01,1e20\n', "unreadable"),
    ],
)
def test_refused_files_leave_the_database_unchanged(db, data, code):
    import_bytes(db, "openai.csv", OPENAI)
    before = sha256(db)
    with pytest.raises(ImportRefused) as refused:
        import_bytes(db, "upload.csv", data)
    assert refused.value.code == code and "upload.csv" in str(refused.value)
    assert sha256(db) == before


def test_size_cap(db, monkeypatch):
    import etl.importers.api as api

    monkeypatch.setattr(api, "MAX_BYTES", 100)
    before = sha256(db)
    with pytest.raises(ImportRefused) as refused:
        import_bytes(db, "big.csv", OPENAI * 2)
    assert refused.value.code == "too_large" and sha256(db) == before


def test_windows_1252_is_read_with_a_note(db):
    data = "Model,Publication date,Training compute (FLOP)\nRésumé net,2020-01-01,1e20\n".encode("cp1252")
    report = import_bytes(db, "cp.csv", data)
    assert [n.code for n in report.notes] == ["cp1252"]
    assert rows(db, "select name from models_imported") == [("Résumé net",)]


def test_utf8_bom_header_is_recognised(db):
    data = "\ufeffModel,Publication date,Training compute (FLOP)\nM,2020-01-01,1e20\n".encode()
    assert import_bytes(db, "bom.csv", data).rows_added == 1


def test_a_failure_while_writing_changes_nothing(db, monkeypatch):
    import etl.importers.api as api

    def explode(*args, **kwargs):
        raise RuntimeError("disk full")

    before = sha256(db)
    monkeypatch.setattr(api, "write_rows", explode)
    with pytest.raises(RuntimeError):
        import_bytes(db, "openai.csv", OPENAI)
    assert sha256(db) == before


def test_preference_flag(db):
    set_source_preference(db, "upstream")
    set_source_preference(db, "curated")
    assert rows(db, "select key, value from settings") == [("prefer", "curated")]


def test_missing_database_is_a_clear_refusal(tmp_path):
    with pytest.raises(ImportRefused) as refused:
        import_bytes(tmp_path / "nope.duckdb", "openai.csv", OPENAI)
    assert refused.value.code == "no_database" and not (tmp_path / "nope.duckdb").exists()


def test_cli_reports_format_rows_and_rejects(db, tmp_path, capsys):
    path = tmp_path / "openai.csv"
    path.write_bytes(OPENAI)
    assert main(["import", str(path), "--db", str(db), "--prefer", "upstream"]) == 0
    out = capsys.readouterr().out
    assert "OpenAI 2018" in out and "2 rows stored in models_imported: 2 added, 0 replaced" in out
    assert "1 rejected" in out
    assert "row 4: column 'overall_peta_flop_days': 'inf' is not a finite number" in out
    assert rows(db, "select value from settings where key = 'prefer'") == [("upstream",)]


def test_cli_exit_2_on_refusal(db, tmp_path, capsys):
    path = tmp_path / "bad.csv"
    path.write_bytes(b"Model,Training compute (FLOP)\nM,1e20\n")
    before = sha256(db)
    assert main(["import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err
    assert "'Publication date'" in err and "unchanged" in err and "Traceback" not in err
    assert sha256(db) == before
    assert main(["import", str(tmp_path / "missing.csv"), "--db", str(db)]) == 2


def test_cli_records_the_access_date_given(db, tmp_path, capsys):
    path = tmp_path / "openai.csv"
    path.write_bytes(OPENAI)
    assert main(["import", str(path), "--db", str(db), "--accessed", "2026-04-02"]) == 0
    assert rows(db, "select accessed, size_bytes from imports") == [(date(2026, 4, 2), len(OPENAI))]
    with pytest.raises(SystemExit) as bad_date:
        main(["import", str(path), "--db", str(db), "--accessed", "2 April"])
    assert bad_date.value.code == 2 and "expected a date YYYY-MM-DD" in capsys.readouterr().err


def test_cli_exit_2_with_one_line_when_it_cannot_write_beside_the_database(db, tmp_path, capsys, monkeypatch):
    import etl.db

    def refuse(_path):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(etl.db, "write_lock", refuse)  # as in a read-only folder (tests may run as root)
    path = tmp_path / "openai.csv"
    path.write_bytes(OPENAI)
    before = sha256(db)
    assert main(["import", str(path), "--db", str(db)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Permission denied" in err[0] and "not changed" in err[0]
    assert sha256(db) == before
