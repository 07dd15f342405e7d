"""Gunicorn on a free loopback port, the staff sign-in, and the workers' memory."""

import http.cookiejar
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = Path(__file__).resolve().parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
HOST = "127.0.0.1"
DEPLOY_CONF = ROOT / "deploy" / "gunicorn.conf.py"
#: As deploy/gunicorn.conf.py computes them (the benchmark runs with the deployment's settings).
WORKERS = int(os.environ.get("PORTAL_WORKERS", 2 * (os.cpu_count() or 1) + 1))
THREADS = int(os.environ.get("PORTAL_THREADS", 4))
#: Sent by the sign-in and by the load generator alike: Flask-Login's session protection
#: hashes the user agent, and a different one would mark every request's session stale.
USER_AGENT = "portal-bench/1"
CSRF_PATTERN = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def niceness(nice: int):
    """A preexec_fn giving a child process this scheduling priority (None for the default)."""
    if not nice:
        return None
    return lambda: os.setpriority(os.PRIO_PROCESS, 0, nice)


def renice(pids, nice: int) -> None:
    """Give running processes (our database backends) this scheduling priority."""
    for pid in pids:
        try:
            os.setpriority(os.PRIO_PROCESS, pid, nice)
        except OSError:
            pass


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


_PLAIN = urllib.request.build_opener(NoRedirect)


def fetch(url: str, cookie: str = "", timeout: float = 30, body: bytes = b"") -> tuple[int, bytes]:
    """GET (or with `body`, a form POST) without following redirects: (status, body)."""
    if not url.startswith(f"http://{HOST}:"):
        raise ValueError(f"benchmark traffic stays on {HOST}: {url}")
    headers = {"User-Agent": USER_AGENT}
    if cookie:
        headers["Cookie"] = cookie
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    request = urllib.request.Request(url, data=body or None, headers=headers)  # noqa: S310 (http://127.0.0.1 checked above)
    try:
        with _PLAIN.open(request, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


class Gunicorn:
    """`gunicorn -w 2 -b 127.0.0.1:PORT APP`, started and stopped by us."""

    def __init__(self, app: str, env: dict[str, str], log_path: Path, pythonpath: str = "", nice: int = 0):
        self.port = free_port()
        self.base = f"http://{HOST}:{self.port}"
        # The deployment's settings (gthread workers, threads, keep-alive, access log,
        # max_requests); only the address differs, and the master's health listener is off.
        command = [GUNICORN, "-c", str(DEPLOY_CONF), "-b", f"{HOST}:{self.port}"]
        env = {
            **env,
            "PORTAL_WORKERS": str(WORKERS),
            "PORTAL_THREADS": str(THREADS),
            "PORTAL_HEALTH_BIND": "",
        }
        if pythonpath:
            command += ["--pythonpath", pythonpath]
        command.append(app)
        self.log_path = log_path
        self._log = open(log_path, "wb")  # noqa: SIM115 (closed in stop())
        self.process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT, preexec_fn=niceness(nice)
        )

    def wait_ready(self, path: str = "/", timeout: float = 30) -> None:
        """Wait until both workers are up and `path` answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log_tail()}")
            if len(self.worker_pids()) == WORKERS:
                try:
                    status, _body = fetch(self.base + path, timeout=5)
                    if status == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer {path} within {timeout:.0f} s:\n{self.log_tail()}")

    def worker_pids(self) -> list[int]:
        """The master's children, read from /proc."""
        pid = self.process.pid
        try:
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
            return [int(c) for c in children]
        except OSError:
            pids = []
            for stat in Path("/proc").glob("[0-9]*/stat"):
                try:
                    fields = stat.read_text().rsplit(")", 1)[1].split()
                except OSError:
                    continue
                if int(fields[1]) == pid:
                    pids.append(int(stat.parent.name))
            return pids

    def worker_memory(self) -> list[tuple[int, int, int]]:
        """(pid, VmRSS KiB, VmHWM KiB) of each worker, from /proc/<pid>/status."""
        found = []
        for pid in self.worker_pids():
            values = {}
            try:
                for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                    key, _sep, rest = line.partition(":")
                    if key in ("VmRSS", "VmHWM"):
                        values[key] = int(rest.split()[0])
            except OSError:
                continue
            found.append((pid, values.get("VmRSS", 0), values.get("VmHWM", 0)))
        return found

    def log_tail(self, lines: int = 30) -> str:
        self._log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()


def browser_session(base: str, steps, token_path: str = "") -> tuple[str, str]:
    """Submit each form of `steps` ((path, fields), in order) like a browser, its CSRF token
    included, each answered by a redirect: a sign-in, /track finding a request, the earlier
    question pages. Then, with `token_path`, read that page's CSRF token. Return the
    `session=...` cookie and the token ('' without `token_path`)."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    opener.addheaders = [("User-Agent", USER_AGENT)]

    def token_of(path: str) -> str:
        with opener.open(base + path, timeout=30) as response:
            match = CSRF_PATTERN.search(response.read().decode())
        if not match:
            raise RuntimeError(f"no csrf_token on {path}")
        return match.group(1) or match.group(2)

    for path, fields in steps:
        form = urllib.parse.urlencode({**fields, "csrf_token": token_of(path)}).encode()
        try:
            with opener.open(base + path, data=form, timeout=30) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        if status not in (302, 303):
            raise RuntimeError(f"POST {path} failed (HTTP {status})")
    token = token_of(token_path) if token_path else ""
    cookie = next((f"session={c.value}" for c in jar if c.name == "session"), "")
    if (steps or token_path) and not cookie:
        raise RuntimeError("no session cookie after the forms")
    return cookie, token
