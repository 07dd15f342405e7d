"""Load generators: wrk (the real thing), or a small urllib loop for the smoke mode."""

import re
import shutil
import subprocess
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from servers import USER_AGENT, fetch, niceness

THREADS = 2
CONNECTIONS = 16
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}
_LATENCY = r"([\d.]+)(us|ms|s|m)\b"


@dataclass
class Result:
    """What one load run measured."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx responses and socket errors
    tool: str


def wrk_path() -> str | None:
    return shutil.which("wrk")


def _ms(value: str, unit: str) -> float:
    return float(value) * _UNITS[unit]


def parse_wrk(output: str) -> Result:
    """Read requests/s, the 50% and 99% latency, and the error counts of `wrk --latency`."""
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    p50 = re.search(r"^\s+50%\s+" + _LATENCY, output, re.MULTILINE)
    p99 = re.search(r"^\s+99%\s+" + _LATENCY, output, re.MULTILINE)
    total = re.search(r"(\d+) requests in " + r"([\d.]+)(us|ms|s|m)", output)
    if not (rps and p50 and p99 and total):
        raise RuntimeError(f"could not read wrk's output:\n{output}")
    errors = 0
    if socket := re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output):
        errors += sum(int(n) for n in socket.groups())
    if non2xx := re.search(r"Non-2xx or 3xx responses: (\d+)", output):
        errors += int(non2xx.group(1))
    return Result(
        requests=int(total.group(1)),
        seconds=_ms(total.group(2), total.group(3)) / 1000,
        rps=float(rps.group(1)),
        p50_ms=_ms(*p50.groups()),
        p99_ms=_ms(*p99.groups()),
        errors=errors,
        tool="wrk",
    )


def post_script(body: bytes) -> str:
    """A wrk Lua script that sends every request as this form POST (its path of a file)."""
    text = body.decode("ascii")  # urlencoded: no quote or backslash to escape
    with tempfile.NamedTemporaryFile("w", prefix="portal-bench-", suffix=".lua", delete=False) as script:
        script.write(
            'wrk.method = "POST"\n'
            f'wrk.body = "{text}"\n'
            'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"\n'
        )
    return script.name


def run_wrk(url: str, seconds: float, cookie: str = "", nice: int = 0, body: bytes = b"") -> Result:
    """`wrk -t2 -c16 -dNs --latency URL` with our user agent and, for staff pages, the cookie;
    with `body`, each request a form POST of it."""
    command = [
        wrk_path() or "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        # A slow answer is measured (p99), not counted as a failure at wrk's default 2 s.
        "--timeout",
        "10s",
        "-H",
        f"User-Agent: {USER_AGENT}",
    ]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    script = post_script(body) if body else ""
    if script:
        command += ["-s", script]
    try:
        done = subprocess.run(
            command + [url], capture_output=True, text=True, timeout=seconds + 60, preexec_fn=niceness(nice)
        )
    finally:
        if script:
            Path(script).unlink(missing_ok=True)
    if done.returncode != 0:
        raise RuntimeError(f"wrk failed ({done.returncode}): {done.stderr}")
    return parse_wrk(done.stdout)


def run_urllib(url: str, seconds: float, cookie: str = "", threads: int = 4, body: bytes = b"") -> Result:
    """A plain loop of GETs from a few threads: rough figures, for the smoke mode only."""
    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def worker():
        mine, bad = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                status, _body = fetch(url, cookie, body=body)
            except OSError:
                status = 0
            mine.append((time.perf_counter() - started) * 1000)
            bad += not 200 <= status < 400
        with lock:
            latencies.extend(mine)
            errors[0] += bad

    started = time.monotonic()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    elapsed = time.monotonic() - started
    latencies.sort()

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return Result(
        len(latencies), elapsed, len(latencies) / elapsed, pick(0.50), pick(0.99), errors[0], "urllib"
    )


def run(
    url: str, seconds: float, cookie: str = "", tool: str = "wrk", nice: int = 0, body: bytes = b""
) -> Result:
    if tool == "wrk":
        return run_wrk(url, seconds, cookie, nice, body)
    return run_urllib(url, seconds, cookie, body=body)
