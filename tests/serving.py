"""Real gunicorn processes for the deployment tests, with deploy/gunicorn.conf.py, and a
small cookie-keeping HTTP client that opens a fresh connection per request (as nginx does
towards the app)."""

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.request import Request

from portal.config import PROJECT_ROOT

CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
#: One key for every server of a test: a session signed by one is read by the others.
SHARED_SECRET = "deploy-tests-" + secrets.token_hex(16)
REFERENCE = re.compile(r"[A-Z]{2}-\d{4}-\d{6}")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Gunicorn:
    """One gunicorn master with deploy/gunicorn.conf.py, on loopback ports of its own."""

    def __init__(self, database_url: str, tmp: Path, *, workers=2, threads=4, **env):
        self.port, self.health_port = free_port(), free_port()
        self.log = tmp / f"gunicorn-{self.port}.log"
        uploads = tmp / f"uploads-{self.port}"
        base = {
            k: v
            for k, v in os.environ.items()
            if k not in ("PORTAL_DEMO", "RATELIMIT_STORAGE_URI", "NOTIFICATION_BACKEND", "FLASK_APP")
        }
        base.update(
            DATABASE_URL=database_url,
            SECRET_KEY=SHARED_SECRET,
            PORTAL_INSECURE_COOKIES="1",
            UPLOAD_FOLDER=str(uploads),
            PYTHONPATH=str(PROJECT_ROOT),
            MOBILE_VERIFICATION="0",
            STAFF_TWO_FACTOR="0",
            RATELIMIT_SUBMISSIONS_PER_ADDRESS="100000 per hour",
            RATELIMIT_SUBMISSIONS_PER_MOBILE="100000 per hour",
            RATELIMIT_TRACK="100000 per minute",
            PORTAL_BIND=f"127.0.0.1:{self.port}",
            PORTAL_HEALTH_BIND=f"127.0.0.1:{self.health_port}",
            PORTAL_WORKERS=str(workers),
            PORTAL_THREADS=str(threads),
            PORTAL_GRACEFUL_TIMEOUT="20",
        )
        base.update(env)
        self.uploads = uploads
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(PROJECT_ROOT / "deploy" / "gunicorn.conf.py")],
                cwd=PROJECT_ROOT,
                env=base,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_healthy()

    def log_tail(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]

    def wait_healthy(self, timeout: float = 40) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                break
            try:
                if get(self.port, "/healthz", timeout=2)[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        self.stop()
        raise AssertionError(f"gunicorn did not start:\n{self.log_tail()}")

    def workers(self) -> set[int]:
        """The pids of the master's current worker processes."""
        pids = set()
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == self.process.pid:
                pids.add(int(stat.parent.name))
        return pids

    def reload(self) -> None:
        self.process.send_signal(signal.SIGHUP)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)  # our own gunicorn's group only
                self.process.wait(timeout=5)


def get(port: int, path: str, timeout: float = 10, headers: dict | None = None) -> tuple[int, bytes, dict]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read(), dict(response.getheaders())
    finally:
        connection.close()


class Browser:
    """Cookies kept across servers (one signed session works on every app server)."""

    def __init__(self):
        self.cookies = CookieJar()

    def request(
        self,
        port: int,
        method: str,
        path: str,
        body: bytes | None = None,
        content_type: str | None = None,
        timeout: float = 30,
    ) -> tuple[int, bytes, dict]:
        url = f"http://127.0.0.1:{port}{path}"
        probe = Request(url, method=method)  # noqa: S310 (loopback only)
        self.cookies.add_cookie_header(probe)
        headers = dict(probe.header_items())
        if content_type:
            headers["Content-Type"] = content_type
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            data = response.read()
        finally:
            connection.close()

        class _Info:  # what CookieJar.extract_cookies reads
            def __init__(self, r):
                self.r = r

            def info(self):
                return self.r.msg

        self.cookies.extract_cookies(_Info(response), probe)
        return response.status, data, dict(response.getheaders())

    def csrf(self, port: int, path: str) -> str:
        status, body, _ = self.request(port, "GET", path)
        assert status == 200, (path, status)
        match = CSRF.search(body.decode())
        assert match, f"no CSRF token on {path}"
        return match.group(1)

    def submit(self, port: int, path: str, fields: dict, files: dict | None = None):
        """GET the form for its token, then POST it (multipart when there are files); a form
        of question pages (/legal-aid/apply) gets the same answers on each page, then its
        check page's "Accept and send"."""
        fields = dict(fields, csrf_token=self.csrf(port, path))
        answer = self._post(port, path, fields, files)
        for _page in range(40):
            status, _body, headers = answer
            location = headers.get("Location", "")
            if status != 303 or not location.startswith("/legal-aid/apply/"):
                return answer
            if location.endswith("/check"):
                check = self.request(port, "GET", location)
                if check[0] == 303:
                    answer = check
                    continue
                sent = {"intake_step": "check", "answers_checked": "1", "csrf_token": fields["csrf_token"]}
                return self._post(port, location, sent, None)
            answer = self._post(port, location, fields, files)
        return answer

    def _post(self, port: int, path: str, fields: dict, files: dict | None):
        if not files:
            return self.request(
                port,
                "POST",
                path,
                urllib.parse.urlencode(fields).encode(),
                "application/x-www-form-urlencoded",
            )
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        for name, (filename, data) in files.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
                f"Content-Type: application/octet-stream\r\n\r\n".encode()
                + data
                + b"\r\n"
            )
        parts.append(f"--{boundary}--\r\n".encode())
        return self.request(port, "POST", path, b"".join(parts), f"multipart/form-data; boundary={boundary}")
