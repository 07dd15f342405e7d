"""The deployment kit, run for real: gunicorn with deploy/gunicorn.conf.py answers /healthz
while its workers are saturated, reloads (HUP) under load without losing a request or an
acknowledged submission, and two app servers with separate disks but one S3 store serve
each other's uploads."""

import json
import re
import secrets
import shutil
import socket
import subprocess
import threading
import time

import pytest
from sqlalchemy import select

from portal.config import PROJECT_ROOT, DefaultConfig
from portal.core.intake import ANSWERS_CHECKED
from portal.core.models import Attachment, ServiceRequest
from portal.extensions import db
from portal.serving import HealthCheck

from conftest import is_postgres
from serving import REFERENCE, Browser, Gunicorn, get
from support import application_form

pytest_plugins = ("s3server",)

PDF = b"%PDF-1.4\n" + secrets.token_bytes(4096) + b"\n%%EOF"


@pytest.fixture
def served_database(app):
    """The test database, emptied and with townships, for servers in other processes."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    form = {**application_form(), ANSWERS_CHECKED: "1"}  # as the check-your-answers page sends it
    db.session.commit()
    return url, form


def references_in_database() -> set[str]:
    found = set(db.session.scalars(select(ServiceRequest.reference)))
    db.session.commit()
    return found


def test_healthz_answers_while_every_worker_is_busy(served_database, tmp_path):
    url, _form = served_database
    server = Gunicorn(url, tmp_path, workers=1, threads=2)
    stalled = []
    try:
        # Two uploads that never finish hold both threads of the only worker.
        for _ in range(2):
            connection = socket.create_connection(("127.0.0.1", server.port))
            connection.sendall(
                b"POST /track HTTP/1.1\r\nHost: portal\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                b"Content-Length: 100000\r\n\r\nreference="
            )
            stalled.append(connection)
        time.sleep(1)
        with pytest.raises(TimeoutError):  # the app's own /healthz waits behind them
            get(server.port, "/healthz", timeout=3)
        started = time.monotonic()
        status, body, headers = get(server.health_port, "/healthz", timeout=3)
        assert status == 200 and json.loads(body) == {"status": "ok", "database": "ok"}
        assert time.monotonic() - started < 2 and headers["Cache-Control"] == "no-store"
        assert get(server.health_port, "/anything-else", timeout=3)[0] == 404
    finally:
        for connection in stalled:
            connection.close()
        server.stop()


def test_the_health_listener_reports_a_database_that_does_not_answer():
    check = HealthCheck("postgresql+psycopg://nobody@127.0.0.1:1/none")
    assert check() == (503, {"status": "error", "database": "unreachable"})


@pytest.mark.postgres
@pytest.mark.skipif(not is_postgres(), reason="runs in the PostgreSQL stage (a real multi-process database)")
def test_a_reload_under_load_loses_no_request_and_no_acknowledged_submission(served_database, tmp_path):
    url, form = served_database
    server = Gunicorn(url, tmp_path, workers=2, threads=4)
    acknowledged, failures, served = [], [], [0]
    stop = threading.Event()
    lock = threading.Lock()

    def visitor(number: int):
        browser = Browser()
        while not stop.is_set():
            try:
                status, _body, _ = browser.request(server.port, "GET", "/")
                if status != 200:
                    failures.append(("GET /", status))
                status, _body, headers = browser.submit(
                    server.port, "/legal-aid/apply", dict(form, mobile=f"1390000{number:04d}")
                )
                if status != 303 or not REFERENCE.search(headers.get("Location", "")):
                    failures.append(("POST /legal-aid/apply", status, _body[:300]))
                else:
                    with lock:
                        acknowledged.append(REFERENCE.search(headers["Location"]).group(0))
                with lock:
                    served[0] += 3
            except OSError as error:  # a refused or dropped connection is a lost request
                failures.append(("connection", repr(error)))

    try:
        before = server.workers()
        threads = [threading.Thread(target=visitor, args=(n,)) for n in range(6)]
        for thread in threads:
            thread.start()
        time.sleep(4)
        server.reload()
        time.sleep(6)
        server.reload()
        time.sleep(6)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        after = server.workers()
    finally:
        stop.set()
        server.stop()
    assert failures == [], failures[:5]
    assert served[0] >= 30, "the load was real"
    assert before and after and not before & after, "the reload replaced every worker"
    assert set(acknowledged) <= references_in_database()  # every acknowledged submission is kept
    assert len(set(acknowledged)) == len(acknowledged) >= 10


def test_two_app_servers_with_their_own_disks_serve_each_others_uploads_from_one_s3_store(
    served_database, tmp_path, s3_env
):
    url, form = served_database
    bucket = s3_env.new_bucket()
    shared = dict(STORAGE_URL=f"s3://{bucket}/portal", **s3_env.environment())
    first = Gunicorn(url, tmp_path, workers=1, threads=2, **shared)
    second = Gunicorn(url, tmp_path, workers=1, threads=2, **shared)
    try:
        for stored_on, read_on, name in ((first, second, "工资条.pdf"), (second, first, "合同.pdf")):
            browser = Browser()
            body = PDF + name.encode()
            status, _data, headers = browser.submit(
                stored_on.port, "/legal-aid/apply", form, files={"attachments": (name, body)}
            )
            assert status == 303, _data[:500]
            reference = REFERENCE.search(headers["Location"]).group(0)
            attachment_id = db.session.scalar(
                select(Attachment.id).join(ServiceRequest).where(ServiceRequest.reference == reference)
            )
            db.session.commit()
            status, data, headers = browser.request(
                read_on.port, "GET", f"/track/{reference}/files/{attachment_id}"
            )
            assert status == 200 and data == body
            assert headers["Content-Disposition"].startswith("attachment")
            # Another browser on the same server: the access check holds (it asks for the proof).
            status, data, headers = Browser().request(
                read_on.port, "GET", f"/track/{reference}/files/{attachment_id}"
            )
            assert (
                status == 200 and data != body and "attachment" not in headers.get("Content-Disposition", "")
            )
        assert len(s3_env.objects(bucket, "portal/")) == 2
        assert not any(
            server.uploads.exists() and any(server.uploads.iterdir()) for server in (first, second)
        )
    finally:
        first.stop()
        second.stop()


def test_nginx_takes_the_apps_body_limit_and_forwards_what_proxy_fix_reads():
    site = (PROJECT_ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    size = re.search(r"client_max_body_size (\d+)m;", site)
    assert size and int(size.group(1)) * 1024 * 1024 == DefaultConfig.MAX_CONTENT_LENGTH
    assert "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;" in site
    assert "proxy_set_header X-Forwarded-Proto $scheme;" in site
    assert re.search(r"Strict-Transport-Security \"max-age=\d{8,}", site)
    assert (
        "immutable" in site and "keepalive " not in site.split("upstream portal_app", 1)[1].split("}", 1)[0]
    )
    env = (PROJECT_ROOT / "deploy" / "portal.env.example").read_text()
    assert "PROXY_FIX_X_FOR=1" in env  # one nginx hop, as the site sets one X-Forwarded-For entry


def test_the_units_reload_by_hup_and_the_timer_runs_due_jobs_every_minute():
    units = PROJECT_ROOT / "deploy" / "systemd"
    service = (units / "portal.service").read_text()
    assert "gunicorn -c /srv/portal/app/deploy/gunicorn.conf.py" in service
    assert "ExecReload=/bin/kill -HUP $MAINPID" in service and "KillMode=mixed" in service
    assert "flask --app portal run-jobs" in (units / "portal-jobs.service").read_text()
    assert "OnCalendar=*-*-* *:*:00" in (units / "portal-jobs.timer").read_text()
    assert "deploy/backup.sh" in (units / "portal-backup.service").read_text()


def nginx_checked_site(tmp_path) -> str:
    """The example site with its certificate and log paths moved into tmp_path."""
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=portal"]
        + ["-keyout", str(tmp_path / "privkey.pem"), "-out", str(tmp_path / "fullchain.pem")],
        check=True,
        capture_output=True,
    )
    site = (PROJECT_ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    site = site.replace("/etc/ssl/portal/", f"{tmp_path}/").replace("/var/log/nginx/", f"{tmp_path}/")
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nerror_log {tmp_path}/error.log;\nevents {{}}\n"
        f"http {{\n    access_log {tmp_path}/access.log;\n    include {tmp_path}/site.conf;\n}}\n"
    )
    return str(tmp_path / "nginx.conf")


@pytest.mark.skipif(not shutil.which("nginx") or not shutil.which("openssl"), reason="nginx is not installed")
def test_the_nginx_example_passes_nginx_t(tmp_path):
    """`nginx -t` on deploy/nginx/portal.conf (issue #37: it was never checked). Red on a
    typo in the site (a directive nginx does not know, a missing semicolon)."""
    checked = subprocess.run(
        ["nginx", "-t", "-p", str(tmp_path), "-c", nginx_checked_site(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stderr
    assert "syntax is ok" in checked.stderr


def test_the_nginx_example_keeps_query_strings_and_healthz_private():
    """Staff and tracking pages log $uri without the query (an ID number searched for);
    /healthz only from the load balancer's addresses; receipts with a small body cap."""
    site = (PROJECT_ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    private_format = site.split("log_format portal_no_query", 1)[1].split(";", 1)[0]
    assert (
        "$uri" in private_format
        and "$request " not in private_format
        and "$request_uri" not in private_format
    )
    assert "$http_referer" not in private_format
    assert "~^/staff/  1;" in site and "~^/track   1;" in site
    assert "portal_no_query if=$portal_private_query;" in site
    health = site.split("location = /healthz {", 1)[1].split("\n    }", 1)[0]
    assert "if ($portal_health_client = 0)" in health and "geo $portal_health_client" in site
    receipts = site.split("location = /notifications/sms-receipts {", 1)[1].split("\n    }", 1)[0]
    assert "client_max_body_size 256k;" in receipts


def test_the_nginx_example_compresses_static_files_and_never_a_page():
    """The stylesheet and scripts gzipped for the phone (#40); a page never (it carries a
    CSRF token beside reflected input: BREACH), so `gzip on` is in /static/ only."""
    site = (PROJECT_ROOT / "deploy" / "nginx" / "portal.conf").read_text()
    static = site.split("location /static/ {", 1)[1].split("\n    }", 1)[0]
    assert "gzip on;" in static and "text/css" in static and "application/javascript" in static
    outside = site.replace(static, "")
    assert "gzip on" not in outside
