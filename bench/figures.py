"""The benchmark's figures: one line per page as it is measured, and the final table.

A `Figure` is one page of one database and size: wrk's req/s and latencies against the
bare page, the open-loop p50/p99 at half the bare page's saturation (bench/fixed_rate.py),
and the CPU ms and SQL statements per request of an in-process profile of the same
database (bench/profile.py) against issue #40's budget (bench/pages.py).
"""

from dataclasses import dataclass

import quiet

#: SPEC §9 and issue #20: public pages 30% of the bare page, staff pages 20% this round.
MIN_SHARE_OF_BARE = 0.30
MIN_STAFF_SHARE_OF_BARE = 0.20
MAX_P99_MS = 50.0
MAX_DEEP_RATIO = 1.5
MAX_RSS_MB = 150.0
BARE = "bare 5 KB page"


def say(text: str = "") -> None:
    print(text, flush=True)


@dataclass
class Figure:
    """One line of the report."""

    db: str
    rows: int
    page: str
    path: str
    rps: float
    p50_ms: float
    p99_ms: float
    bare_rps: float
    bytes: int
    tool: str
    #: Share of all CPUs that other programs used during the measurement.
    other_load: float = 0.0
    verdict: str = ""
    note: str = ""
    #: The share of the bare page's req/s this page must reach.
    target_share: float = MIN_SHARE_OF_BARE
    #: Open-loop load at half the bare page's saturation (bench/fixed_rate.py): the rate
    #: asked, the latencies from each request's due time, and what went wrong.
    half_rate: float = 0.0
    half_p50_ms: float = 0.0
    half_p99_ms: float = 0.0
    half_note: str = ""
    #: In-process profile of the same database (bench/profile.py): CPU ms and SQL
    #: statements per request, and the verdict against the page's CPU budget.
    cpu_ms: float | None = None
    sql: float | None = None
    cpu_verdict: str = ""

    @property
    def share(self) -> float:
        return self.rps / self.bare_rps if self.bare_rps else 0.0


def verdict(fig: Figure) -> str:
    """SPEC §9: the share of the bare page, and p99 < 50 ms at half its saturation (when
    measured; wrk's own p99 is that of a saturated server)."""
    p99 = fig.half_p99_ms if fig.half_rate else fig.p99_ms
    ok = fig.share >= fig.target_share and p99 < MAX_P99_MS
    return "PASS" if ok else "MISS"


def half_text(fig: Figure) -> str:
    if not fig.half_rate:
        return ""

    def ms(value: float) -> str:  # unanswered within the grace period: infinitely slow
        return "> grace" if value == float("inf") else f"{value:.1f} ms"

    note = f" ({fig.half_note})" if fig.half_note else ""
    return f"  at {fig.half_rate:,.0f}/s: p50 {ms(fig.half_p50_ms)} p99 {ms(fig.half_p99_ms)}{note}"


def cpu_text(fig: Figure) -> str:
    if fig.cpu_ms is None:
        return ""
    return f"  CPU {fig.cpu_ms:.2f} ms/request {fig.cpu_verdict}, {fig.sql:g} SQL"


def disturbed(fig: Figure) -> str:
    if fig.other_load < quiet.BUSY:
        return ""
    return f"  [disturbed: other programs used {fig.other_load:.0%} of the CPUs]"


def show(fig: Figure) -> None:
    if fig.page == BARE:
        target = "(ceiling)"
    else:
        target = f"{fig.verdict} (>={fig.target_share:.0%} of bare, p99<{MAX_P99_MS:.0f} ms)"
    say(
        f"{fig.db:<8} {fig.rows:>9,}  {fig.page:<28} {fig.rps:>8,.1f} req/s  = {fig.share:>4.0%} of bare "
        f"{fig.bare_rps:>8,.1f}   p50 {fig.p50_ms:>6.1f} ms  p99 {fig.p99_ms:>6.1f} ms  "
        f"{fig.bytes / 1024:>5.1f} KB  {target}{'  ' + fig.note if fig.note else ''}{half_text(fig)}"
        f"{cpu_text(fig)}{disturbed(fig)}"
    )


def show_memory(rss: dict) -> None:
    say(
        f"{rss['db']:<8} {rss['rows']:>9,}  {'worker RSS after load':<28} "
        + ", ".join(f"{r:.1f} MB" for r in rss["workers_rss_mb"])
        + f" (VmHWM peak {rss['peak_hwm_mb']:.1f} MB)  {rss['verdict']} (<{MAX_RSS_MB:.0f} MB)"
    )


def summary(figures: list[Figure], memory: list[dict]) -> None:
    """Issue #40's table: every page of every database and size in one table."""
    say(
        "\n| db | rows | page | CPU ms/request | CPU budget | SQL | req/s | bare req/s | share of bare "
        "| target | p50 ms | p99 ms | at half bare: req/s | p50 ms | p99 ms | other load | verdict |"
    )
    say("|---|---:|---|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    for fig in figures:
        rows = f"{fig.rows:,}" if fig.rows else ""
        extra = "".join(f"; {n}" for n in (fig.note, fig.half_note) if n)
        half = (
            f"{fig.half_rate:,.0f} | {fig.half_p50_ms:.1f} | {fig.half_p99_ms:.1f}"
            if fig.half_rate
            else " | | "
        )
        cpu = f"{fig.cpu_ms:.2f} | {fig.cpu_verdict} | {fig.sql:g}" if fig.cpu_ms is not None else " | | "
        say(
            f"| {fig.db} | {rows} | {fig.page} | {cpu} | {fig.rps:,.0f} | {fig.bare_rps:,.0f} | {fig.share:.0%} "
            f"| {'' if not fig.verdict else format(fig.target_share, '.0%')} | {fig.p50_ms:.1f} | {fig.p99_ms:.1f} "
            f"| {half} | {fig.other_load:.0%} | {fig.verdict or 'ceiling'}{extra}{disturbed(fig)} |"
        )
    for rss in memory:
        say(
            f"| {rss['db']} | {rss['rows']:,} | worker RSS | | | | "
            + ", ".join(f"{r:.0f} MB" for r in rss["workers_rss_mb"])
            + f" | | | | | | | | | | {rss['verdict']} (<{MAX_RSS_MB:.0f} MB) |"
        )


def missed(figures: list[Figure], memory: list[dict], phone: list[dict]) -> list:
    """Every target missed: share of bare and p99, deep/page-1 ratio, CPU budget, RSS, phone."""
    found = [f for f in figures if f.verdict == "MISS" or f.cpu_verdict.startswith("MISS")]
    found += [m for m in memory if m["verdict"] == "MISS"]
    return found + [row for row in phone if row.get("verdict") != "PASS"]
