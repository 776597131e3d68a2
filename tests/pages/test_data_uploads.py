"""Uploads on the Data page belong to the session that made them: two sessions side by side, one
uploads a file; the other's numbers (fit and ceiling) do not move, the shared database file is not
written, nothing travels in the share link, and removing the file gives the uploader's numbers back."""

from __future__ import annotations

import hashlib
import shutil

from tests.pages.helpers import ceiling_metric

UPLOADER = "data_import"


def bigger_models_csv() -> bytes:
    """40 'notable' models of 2023–2026, 3e26 to 2.4e29 FLOP: far above the curated trend, so the
    fitted growth and the ceiling year must both move when they are counted."""
    lines = ["Model,Publication date,Training compute (FLOP),Parameters"]
    for index in range(40):
        lines.append(f"Huge-{index},{2023 + index // 10}-{index % 10 + 1:02d}-15,{3e26 * 10 ** (index / 10):.3e},")
    return ("\n".join(lines) + "\n").encode()


def numbers(at) -> tuple:
    """What a session shows: the ceiling year (Overview) and the fitted demand trend's metrics (Demand)."""
    at.switch_page("app_pages/overview.py").run()
    ceiling = ceiling_metric(at)
    at.switch_page("app_pages/demand.py").run()
    assert not at.exception
    return ceiling, tuple((metric.label, metric.value) for metric in at.metric)


def upload(at, name: str, content: bytes) -> None:
    at.switch_page("app_pages/data.py").run()
    at.file_uploader(key=UPLOADER).set_value((name, content, "text/csv")).run()
    at.button(key="data_import_go").click().run()
    assert not at.exception


def sha256(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_an_upload_moves_only_the_uploaders_numbers_and_removing_it_restores_them(app, app_db):
    uploader, other = app(), app()
    shared_before = sha256(app_db)
    before = numbers(uploader)
    assert numbers(other) == before and before[1]  # same database, same numbers; the fit has metrics

    upload(uploader, "notable_ai_models.csv", bigger_models_csv())
    (summary,) = [box.value for box in uploader.success]
    assert "40 rows added, 0 replaced" in summary
    assert uploader.sidebar.info  # every page says the session's numbers include the file
    with_file = numbers(uploader)
    assert with_file[0] != before[0] and with_file[1] != before[1]  # the uploader's ceiling and fit moved
    assert numbers(other) == before  # ... the other session's did not
    assert sha256(app_db) == shared_before  # the shared file was never written
    assert not any("notable" in str(value) for value in uploader.query_params.values())  # not in the share link

    uploader.switch_page("app_pages/data.py").run()
    (remove,) = [b for b in uploader.button if b.key.startswith("data_upload_remove_")]
    remove.click().run()
    assert not uploader.success and not uploader.sidebar.info
    assert numbers(uploader) == before  # removing the file restores the uploader's numbers
    assert numbers(other) == before


def test_replacement_counts_are_true_for_a_session_upload(app):
    at = app()
    first = bigger_models_csv()
    upload(at, "notable_ai_models.csv", first)
    # the same ten models, later estimates, in another file: they now show from it (replaced, not added)
    second = b"\n".join(first.splitlines()[:11]).replace(b"e+26", b"e+25") + b"\n"
    upload(at, "revised_notable_ai_models.csv", second)
    summaries = [box.value for box in at.success]
    assert len(summaries) == 2 and "10 rows added" not in summaries[1]
    assert "0 rows added, 10 replaced, 0 already present" in summaries[1]


def test_a_refused_upload_is_escaped_and_changes_nothing(app):
    at = app()
    before = numbers(at)
    upload(at, "x.csv", b"![x](http://127.0.0.1:9/track.gif),[y](http://example.org)\n1,2\n")
    (error,) = at.error
    assert "](http" not in error.value and "\\!\\[x\\]" in error.value  # no image or link can form
    assert not at.success and not at.sidebar.info
    assert numbers(at) == before


def test_files_imported_into_the_shared_database_are_listed_with_hash_size_and_date(app, app_db, tmp_path,
                                                                                    monkeypatch):
    from etl.importers import import_bytes

    db = tmp_path / "compute.duckdb"
    shutil.copyfile(app_db, db)
    content = bigger_models_csv()
    import_bytes(db, "notable_ai_models.csv", content)
    monkeypatch.setenv("COMPUTE_CEILING_DB", str(db))
    at = app(page="data")
    (listing,) = [frame.value for frame in at.dataframe if "size_bytes" in frame.value.columns]
    assert listing[["file_name", "sha256", "size_bytes"]].values.tolist() == [
        ["notable_ai_models.csv", hashlib.sha256(content).hexdigest(), len(content)]]
    assert str(listing["accessed"].iloc[0])[:4] >= "2026"



def test_an_upload_the_overlay_cannot_merge_is_refused_and_every_page_keeps_working(app, monkeypatch):
    import etl.importers.overlay as overlay

    def broken(*_args, **_kwargs):
        raise RuntimeError("/srv/secret/path: disk on fire")

    monkeypatch.setattr(overlay, "open_overlay", broken)
    at = app()
    before = numbers(at)
    unseen = bigger_models_csv() + b"Only-In-This-Test,2024-06-01,1e24,\n"  # not merged (and cached) by another test
    upload(at, "notable_ai_models.csv", unseen)
    (error,) = at.error
    assert "RuntimeError" in error.value and "secret" not in error.value  # no server detail on screen
    assert not at.success and not at.sidebar.info
    assert numbers(at) == before
