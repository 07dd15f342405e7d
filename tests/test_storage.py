"""Attachments in S3-compatible object storage (moto on loopback), served only after the
portal's access checks; a store that is down or a missing object gives a clear 503 page."""

import io
import re
import secrets
from pathlib import Path

import pytest
from sqlalchemy import func, select

from portal import create_app
from portal.core import attachments, intake_state, storage
from portal.core.models import Attachment, PendingUpload, ServiceRequest
from portal.demo import _seed_townships
from portal.extensions import db

from conftest import app_config, empty_all_tables
from support import application_form

pytest_plugins = ("s3server",)  # the loopback S3 server's fixtures

PDF = b"%PDF-1.4\n" + secrets.token_bytes(2048) + b"\n%%EOF"


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


@pytest.fixture
def app(app, in_bucket):
    """The usual test app, storing its files in a bucket of the loopback S3 server."""
    return in_bucket(app)


def apply_with(client, *files):
    data = application_form()
    data["attachments"] = [(io.BytesIO(body), name) for name, body in files]
    return client.submit("/legal-aid/apply", data, content_type="multipart/form-data")


def test_both_backends_store_read_list_and_delete(tmp_path, s3_env, bucket):
    for store in (storage.LocalStorage(tmp_path), storage.S3Storage(bucket, "a/b")):
        key = secrets.token_hex(16) + ".pdf"
        store.put(key, PDF, "application/pdf")
        assert store.get(key) == PDF
        assert list(store.keys()) == [key]
        store.delete(key)
        with pytest.raises(storage.StoredFileMissing):
            store.get(key)
        for bad in ("../../etc/passwd", "x/../y.pdf", ""):
            with pytest.raises(storage.StoredFileMissing):
                store.put(bad, PDF, "application/pdf")
    assert s3_env.objects(bucket) == {}


def test_storage_url_chooses_the_backend(tmp_path):
    assert isinstance(storage.storage_for(None, str(tmp_path)), storage.LocalStorage)
    s3 = storage.storage_for("s3://county-files/portal/prod", str(tmp_path))
    assert (s3.bucket, s3.prefix) == ("county-files", "portal/prod/")
    with pytest.raises(ValueError, match="STORAGE_URL"):
        storage.storage_for("ftp://files", str(tmp_path))


def test_files_go_to_the_bucket_and_come_back_only_to_those_allowed(client, make_client, app, s3_env, bucket):
    response = apply_with(client, ("工资条.pdf", PDF))
    assert response.status_code == 303
    attachment = db.session.scalar(select(Attachment))
    assert s3_env.objects(bucket) == {f"files/{attachment.stored_name}": PDF}
    local = Path(app.config["UPLOAD_FOLDER"])
    assert not local.exists() or not any(local.iterdir())  # nothing on this machine's disk
    reference = db.session.scalar(select(ServiceRequest.reference))
    url = f"/track/{reference}/files/{attachment.id}"
    mine = client.get(url)
    assert mine.status_code == 200 and mine.data == PDF
    assert mine.headers["Content-Disposition"].startswith("attachment;")
    assert mine.headers["Cache-Control"].startswith("no-cache") or "no-store" in mine.headers["Cache-Control"]
    other = make_client().get(url)  # another browser: the check comes first (it asks for the proof)
    assert (
        other.mimetype == "text/html"
        and other.data != PDF
        and 'id="proof-needed"' in other.get_data(as_text=True)
    )
    # The object itself is private: an unsigned request to the store is refused.
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(f"{s3_env.endpoint}/{bucket}/files/{attachment.stored_name}")  # noqa: S310
    assert refused.value.code == 403
    refused.value.close()


def test_staged_files_left_behind_are_removed_from_the_bucket(client, app, s3_env, bucket):
    files = "/legal-aid/apply/files"  # attached on its page, the application never sent
    data = {"attachments": [(io.BytesIO(PDF), "left.pdf")], "csrf_token": client.csrf_token(files)}
    assert client.post(files, data=data, content_type="multipart/form-data").status_code == 303
    row = db.session.scalar(select(PendingUpload))
    assert list(s3_env.objects(bucket)) == [f"files/{row.stored_name}"]
    # A draft holds its files 7 days (issue #30); after that and a day, the file goes.
    assert (
        attachments.purge_unclaimed(row.created_at + intake_state.LIFETIME + attachments.PENDING_LIFETIME)
        == 1
    )
    assert s3_env.objects(bucket) == {}


def test_a_store_that_is_down_gives_a_503_form_that_keeps_what_was_typed_and_no_request(
    schema, tmp_path, s3_env, monkeypatch
):
    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_env.unused_endpoint())  # nothing listens there
    down = create_app({**app_config(schema, tmp_path / "uploads"), "STORAGE_URL": "s3://gone/files"})
    from conftest import PortalClient

    down.test_client_class = PortalClient
    with down.app_context():
        empty_all_tables()
        _seed_townships()
        db.session.commit()
        response = apply_with(down.test_client(), ("合同.pdf", PDF))
        assert response.status_code == 503
        html = response.get_data(as_text=True)
        error = html.split('id="attachments-error"', 1)[1][:400]
        assert "The file store cannot be reached" in error or "文件存储" in error
        assert 'id="intake-form"' in html  # the page of the files again (the answers before it are kept)
        assert count(ServiceRequest) == 0 and count(PendingUpload) == 0 and count(Attachment) == 0
        db.session.remove()
        db.engine.dispose()


def test_a_missing_object_gives_a_clear_page_not_a_500(client, app, s3_env, bucket):
    assert apply_with(client, ("合同.pdf", PDF)).status_code == 303
    attachment = db.session.scalar(select(Attachment))
    s3_env.client().delete_object(Bucket=bucket, Key=f"files/{attachment.stored_name}")
    reference = db.session.scalar(select(ServiceRequest.reference))
    response = client.get(f"/track/{reference}/files/{attachment.id}")
    assert response.status_code == 503
    assert re.search(r"<main[\s>]", response.get_data(as_text=True))  # the portal's own error page


def test_a_missing_local_file_gives_a_clear_page_too(schema, tmp_path):
    local = create_app(app_config(schema, tmp_path / "uploads"))
    from conftest import PortalClient

    local.test_client_class = PortalClient
    with local.app_context():
        empty_all_tables()
        _seed_townships()
        db.session.commit()
        client = local.test_client()
        assert apply_with(client, ("合同.pdf", PDF)).status_code == 303
        attachment = db.session.scalar(select(Attachment))
        (tmp_path / "uploads" / attachment.stored_name).unlink()
        reference = db.session.scalar(select(ServiceRequest.reference))
        assert client.get(f"/track/{reference}/files/{attachment.id}").status_code == 503
        db.session.remove()
        db.engine.dispose()
