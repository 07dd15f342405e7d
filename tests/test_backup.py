"""Backups restore: deploy/backup.sh (database dump, then the stored files) and
deploy/restore.sh into an empty database and an empty bucket give back every request with
its files, readable through the portal."""

import io
import os
import secrets
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url

from portal import create_app
from portal.config import PROJECT_ROOT
from portal.core import storage
from portal.core.models import Attachment, ServiceRequest
from portal.extensions import db

from conftest import PortalClient, app_config, is_postgres
from support import application_form

pytest_plugins = ("s3server",)


@pytest.fixture
def app(app, in_bucket):
    """The usual test app, storing its files in a bucket of the loopback S3 server."""
    return in_bucket(app)


class EmptyDatabase:
    """A new empty database next to the test one (PostgreSQL: <test db>_restore_<hex>)."""

    def __init__(self, test_url: str, tmp_path: Path):
        url = make_url(test_url)
        if is_postgres():
            self.name = f"{url.database}_restore_{secrets.token_hex(4)}"
            self.admin = url.set(drivername="postgresql").render_as_string(hide_password=False)
            self._execute(f'CREATE DATABASE "{self.name}"')
            self.url = url.set(database=self.name).render_as_string(hide_password=False)
        else:
            self.name = None
            self.url = "sqlite:///" + str(tmp_path / "restored.sqlite3")

    def _execute(self, sql: str) -> None:
        import psycopg

        with psycopg.connect(self.admin, autocommit=True) as connection:
            connection.execute(sql)

    def drop(self) -> None:
        if self.name:
            self._execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def run_script(script: str, *args: str, env: dict) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("FLASK_APP", "PORTAL_DEMO")}
    environment.update(
        env,
        SECRET_KEY="backup-test",
        PYTHONPATH=str(PROJECT_ROOT),
        PATH=os.pathsep.join([str(Path(os.sys.executable).parent), environment.get("PATH", "")]),
    )
    result = subprocess.run(
        [str(PROJECT_ROOT / "deploy" / script), *args],
        cwd=PROJECT_ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_a_backup_restores_into_an_empty_database_and_bucket_with_every_file(
    app, client, s3_env, bucket, tmp_path
):
    sent = {}
    for number in range(3):
        files = {
            f"材料{number}-{i}.pdf": b"%PDF-1.4\n" + secrets.token_bytes(1500) + b"\n%%EOF" for i in range(2)
        }
        data = application_form(mobile=f"1390000{number:04d}")
        data["attachments"] = [(io.BytesIO(body), name) for name, body in files.items()]
        assert client.submit("/legal-aid/apply", data, content_type="multipart/form-data").status_code == 303
    for attachment, reference in db.session.execute(
        select(Attachment, ServiceRequest.reference).join(ServiceRequest)
    ):
        sent[attachment.stored_name] = (
            reference,
            attachment.original_name,
            s3_env.objects(bucket, f"files/{attachment.stored_name}")[f"files/{attachment.stored_name}"],
        )
    references = set(db.session.scalars(select(ServiceRequest.reference)))
    db.session.commit()
    assert len(sent) == 6 and len(references) == 3

    source = {
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "STORAGE_URL": f"s3://{bucket}/files",
        **s3_env.environment(),
    }
    out = run_script("backup.sh", str(tmp_path / "backups"), env=source)
    assert "copied 6 file(s)" in out
    empty_bucket = s3_env.new_bucket()
    target = EmptyDatabase(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path)
    try:
        out = run_script(
            "restore.sh",
            str(tmp_path / "backups" / "latest"),
            env={**source, "DATABASE_URL": target.url, "STORAGE_URL": f"s3://{empty_bucket}/restored"},
        )
        assert "restored 6 file(s)" in out and "every file named in the database is in the store" in out
        restored = create_app(
            {**app_config(target.url, tmp_path / "unused"), "STORAGE_URL": f"s3://{empty_bucket}/restored"}
        )
        restored.test_client_class = PortalClient
        with restored.app_context():
            assert set(db.session.scalars(select(ServiceRequest.reference))) == references
            store = storage.current()
            for key, (reference, name, body) in sent.items():
                row = db.session.execute(
                    select(ServiceRequest.reference, Attachment.original_name)
                    .join(ServiceRequest)
                    .where(Attachment.stored_name == key)
                ).one()
                assert tuple(row) == (reference, name)
                assert store.get(key) == body
            # And through the portal: the applicant finds the request and downloads a file.
            reference, name, body = next(iter(sent.values()))
            attachment_id = db.session.scalar(select(Attachment.id).where(Attachment.original_name == name))
            browser = restored.test_client()
            tracked = browser.submit("/track", {"reference": reference, "mobile": "139 0000 0000"})
            assert tracked.status_code == 302
            assert browser.get(f"/track/{reference}/files/{attachment_id}").data == body
            db.session.remove()
            db.engine.dispose()
    finally:
        target.drop()
