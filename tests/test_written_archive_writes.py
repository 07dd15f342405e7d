"""The written answers archive counts its use on a GET without failing under load."""

import sqlite3

import pytest

from portal.written_consultations import archive

from conftest import is_postgres


@pytest.mark.skipif(is_postgres(), reason="SQLite's snapshot of a read transaction")
def test_the_archive_search_counts_its_use_after_another_request_wrote(app, client, monkeypatch):
    """The use count is the one write of the archive's GET. SQLite begins a GET's
    transaction deferred: if another request commits between the search's reads and the
    count, the count fails at once (SQLITE_BUSY_SNAPSHOT, no busy wait) and the page was a
    503 for a quarter of the requests under bench/run.py's load. Mutant caught: without
    `begin_writing()` before the count, the page answers 503."""
    path = app.config["SQLALCHEMY_DATABASE_URI"].removeprefix("sqlite:///")
    searched = archive.search

    def search_then_another_request_writes(*args, **kwargs):
        found = searched(*args, **kwargs)
        other = sqlite3.connect(path, timeout=5)
        try:
            other.execute(
                "INSERT INTO written_archive_use (day, what, count) VALUES ('2000-01-01', 'view', 1)"
            )
            other.commit()
        finally:
            other.close()
        return found

    monkeypatch.setattr(archive, "search", search_then_another_request_writes)
    response = client.get("/consultations/answers?q=工资")
    assert response.status_code == 200


def test_the_archive_reads_its_answers_once_however_many_are_found(app, client):
    """The count is committed before the search (issue #40): a commit after it expired
    every answer found, read again one statement each to print the page; and what is
    read after the write is read without SQLite's write lock. Mutant caught: the count
    after the search (one statement more per answer found)."""
    from statement_count import counted_statements
    from test_written_round_two import published

    from portal.extensions import db

    def statements_for_the_search() -> int:
        client.get("/consultations/answers?q=工资")  # warm: the day's row exists
        with counted_statements(db.engine) as sent:
            assert client.get("/consultations/answers?q=工资").status_code == 200
        return len(sent)

    published("公司拖欠工资两个月，怎么讨回工资？", "可以向劳动监察大队投诉，也可以申请劳动仲裁。")
    one = statements_for_the_search()
    for n in range(3):
        published(f"拖欠工资第{n}次怎么办？", "可以申请劳动仲裁，仲裁不收费。")
    assert statements_for_the_search() == one
