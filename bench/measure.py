"""One page under load: checked, warmed up, measured when the CPUs are quiet (again when
other programs disturbed it), then loaded open loop at half the bare page's saturation."""

import fixed_rate
import load
import quiet
from databases import BENCH_DB_NAME
from figures import BARE, Figure, say
from servers import Gunicorn, fetch, renice

#: The pages the smoke run also loads at a fixed rate (a quick run keeps them few).
SMOKE_RATE_PAGES = (BARE, "home /", "request detail")


def measure(
    server: Gunicorn,
    label: str,
    path: str,
    args,
    cookie: str = "",
    marker: str = "",
    db_name: str = BENCH_DB_NAME,
    body: bytes = b"",
) -> tuple[load.Result, int, float]:
    """Check the page answers 200 (with `marker`), warm it up, wait for idle CPUs, load it.
    With `body`, each request is a form POST of it."""
    url = server.base + path
    status, page = fetch(url, cookie, body=body)
    if status != 200 or (marker and marker.encode() not in page):
        raise RuntimeError(
            f"{label}: {'POST' if body else 'GET'} {path} gave HTTP {status} "
            f"(marker {marker!r} found: {marker.encode() in page})"
        )
    if args.warmup:
        load.run(url, args.warmup, cookie, args.tool, args.nice, body)
    if args.nice:
        renice(quiet.database_backends(db_name), args.nice)  # opened by the warm-up

    def our_pids() -> list[int]:
        return [server.process.pid, *server.worker_pids(), *quiet.database_backends(db_name)]

    best = None
    for attempt in range(1 + args.retries):
        if args.quiet_wait:
            quiet.wait_for_quiet(args.quiet_wait, say)
        with quiet.Meter(our_pids) as meter:
            result = load.run(url, args.duration, cookie, args.tool, args.nice, body)
        status, _page = fetch(url, cookie, body=body)
        if result.errors or status != 200:
            raise RuntimeError(f"{label}: {result.errors} failed requests under load, then HTTP {status}")
        if best is None or meter.other < best[1]:
            best = (result, meter.other)
        if meter.other < quiet.BUSY:
            break
        if attempt < args.retries:
            say(
                f"   {label}: other programs used {meter.other:.0%} of the CPUs during the run; measuring again"
            )
    return best[0], len(page), best[1]


def at_half_saturation(fig: Figure, url: str, args, cookie: str = "", body: bytes = b"") -> None:
    """Load the page at half the bare page's saturation rate, open loop (fixed_rate.py)."""
    if not args.rate_seconds or (args.smoke and fig.page not in SMOKE_RATE_PAGES):
        return
    rate = fig.bare_rps / 2
    result = fixed_rate.run(
        url, rate, args.rate_seconds, cookie, grace=min(10.0, 2 * args.rate_seconds), body=body
    )
    fig.half_rate, fig.half_p50_ms, fig.half_p99_ms = rate, result.p50_ms, result.p99_ms
    fig.half_note = "; ".join(
        n for n in (result.note(), f"{result.errors} errors" * bool(result.errors)) if n
    )
