"""Open-loop load at a fixed rate (wrk2's idea, in Python): p50/p99 below saturation.

wrk sends the next request when the last one answered (a closed loop): it measures the
most a server can do, and its latencies are those of a saturated server. A real county's
visitors arrive at their own pace, whatever the server is doing. Here request i is due at
`start + i / rate`; its latency is counted from that due time, not from when a free
connection sent it, so a server that falls behind shows it in the p99 (no "coordinated
omission"). The requests go over `connections` keep-alive HTTP/1.1 connections to
127.0.0.1 only.

    python bench/fixed_rate.py URL RATE [SECONDS] [--cookie C]
"""

import argparse
import asyncio
import resource
import sys
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from servers import HOST, USER_AGENT

CONNECTIONS = 16
#: A request sent later than this after its due time means the generator, not the
#: server, could not keep up (its own CPU): the figures then say less.
LAG_NOTE_MS = 5.0


@dataclass
class RateResult:
    """What one fixed-rate run measured (latencies from each request's due time)."""

    rate: float  # asked, req/s
    sent: int
    achieved: float  # answered per second
    p50_ms: float
    p99_ms: float
    errors: int  # non-2xx/3xx answers and broken connections
    #: Requests still unanswered `grace` seconds after the last was due: an overloaded
    #: page. They count as infinitely slow in the percentiles.
    unanswered: int
    #: Requests the generator itself sent more than LAG_NOTE_MS late (its own CPU).
    late_sends: int
    generator_cpu_s: float

    def note(self) -> str:
        notes = []
        if self.unanswered:
            notes.append(f"overloaded: {self.unanswered:,} of {self.sent:,} unanswered")
        if self.late_sends > self.sent * 0.01:
            notes.append(f"generator late on {self.late_sends / self.sent:.0%} of sends")
        return "; ".join(notes)


def _request(url: str, cookie: str, body: bytes = b"") -> tuple[str, int, bytes]:
    parts = urlsplit(url)
    if parts.hostname != HOST or parts.scheme != "http":
        raise ValueError(f"benchmark traffic stays on {HOST}: {url}")
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    method = "POST" if body else "GET"
    lines = [f"{method} {target} HTTP/1.1", f"Host: {parts.netloc}", f"User-Agent: {USER_AGENT}"]
    if cookie:
        lines.append(f"Cookie: {cookie}")
    if body:
        lines += ["Content-Type: application/x-www-form-urlencoded", f"Content-Length: {len(body)}"]
    return parts.hostname, parts.port or 80, ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response; (status, the server keeps the connection open)."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {
        k.strip().lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
    }
    if "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    elif headers.get("transfer-encoding", "").lower() == "chunked":
        while size := int((await reader.readuntil(b"\r\n")).split(b";")[0], 16):
            await reader.readexactly(size + 2)
        await reader.readuntil(b"\r\n")
    return status, headers.get("connection", "").lower() != "close"


async def _load(
    url: str, rate: float, seconds: float, cookie: str, connections: int, grace: float, body: bytes = b""
) -> RateResult:
    host, port, request = _request(url, cookie, body)
    total = max(1, int(rate * seconds))
    due: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    counts = {"errors": 0, "late": 0}

    async def connection():
        reader = writer = None
        while (when := await due.get()) is not None:
            for attempt in range(2):  # the server may have closed an idle connection
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection(host, port)
                    writer.write(request)
                    await writer.drain()
                    status, keep = await _response(reader)
                    break
                except (OSError, asyncio.IncompleteReadError, ValueError):
                    writer, status, keep = None, 0, False
                    if attempt:
                        break
            latencies.append((time.perf_counter() - when) * 1000)
            counts["errors"] += not 200 <= status < 400
            if not keep and writer is not None:
                writer.close()
                writer = None
        if writer is not None:
            writer.close()

    workers = [asyncio.create_task(connection()) for _ in range(connections)]
    cpu = resource.getrusage(resource.RUSAGE_SELF)
    start = time.perf_counter() + 0.05
    for i in range(total):
        when = start + i / rate
        if (wait := when - time.perf_counter()) > 0:
            await asyncio.sleep(wait)
        # Late here is the generator's own doing (its CPU), not the server's.
        counts["late"] += (time.perf_counter() - when) * 1000 > LAG_NOTE_MS
        due.put_nowait(when)
    for _ in workers:
        due.put_nowait(None)
    _done, pending = await asyncio.wait(workers, timeout=grace)
    for worker in pending:  # an overloaded page: what is left is counted, not awaited
        worker.cancel()
    elapsed = time.perf_counter() - start
    used = resource.getrusage(resource.RUSAGE_SELF)
    answered = len(latencies)
    latencies.sort()
    latencies += [float("inf")] * (total - answered)

    def pick(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] if latencies else 0.0

    return RateResult(
        rate=rate,
        sent=total,
        achieved=answered / elapsed if elapsed else 0.0,
        p50_ms=pick(0.50),
        p99_ms=pick(0.99),
        errors=counts["errors"],
        unanswered=total - answered,
        late_sends=counts["late"],
        generator_cpu_s=(used.ru_utime + used.ru_stime) - (cpu.ru_utime + cpu.ru_stime),
    )


def run(
    url: str,
    rate: float,
    seconds: float,
    cookie: str = "",
    connections: int = CONNECTIONS,
    grace: float = 10.0,
    body: bytes = b"",
) -> RateResult:
    """Send GET `url` (with `body`, a form POST of it) at `rate` per second for `seconds`;
    latencies from each due time. Answers still missing `grace` seconds after the last one
    was due are not waited for."""
    if rate <= 0:
        raise ValueError("the rate must be positive")
    return asyncio.run(_load(url, rate, seconds, cookie, connections, grace, body))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("url")
    parser.add_argument("rate", type=float)
    parser.add_argument("seconds", type=float, nargs="?", default=10)
    parser.add_argument("--cookie", default="")
    parser.add_argument("--connections", type=int, default=CONNECTIONS)
    args = parser.parse_args(argv)
    result = run(args.url, args.rate, args.seconds, args.cookie, args.connections)
    print(
        f"{result.rate:,.0f} req/s asked, {result.achieved:,.1f} answered/s: p50 {result.p50_ms:.1f} ms, "
        f"p99 {result.p99_ms:.1f} ms, {result.errors} errors, generator CPU {result.generator_cpu_s:.1f} s"
        + (f" ({result.note()})" if result.note() else "")
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
