"""The benchmark still runs: `bench/run.py --smoke` end to end (figures are not judged here)."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.bench
FIGURE = r"^sqlite\s+[\d,]+\s+{page}\s+[\d,.]+ req/s\s+=\s+\d+% of bare\s+[\d,.]+\s+p50\s+[\d.]+ ms\s+p99\s+[\d.]+ ms"


def test_smoke_benchmark_prints_every_figure():
    # Without wrk the smoke mode loads the pages with a urllib loop instead.
    done = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "run.py"), "--smoke"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    output = done.stdout
    assert done.returncode == 0, output + done.stderr
    pages = (
        "bare 5 KB page",
        "home /",
        "directory search 星沙",
        "directory search xingsha",
        "form legal_aid",
        "booking slots",
        "tracking result",
        "queue legal-aid page 1",
        r"queue legal-aid page [\d,]+",
        "queue legal-aid by received page 1",
        r"queue legal-aid by received page [\d,]+",
        "queue mediation page 1",
        "request detail",
    )
    for page in pages:
        assert re.search(FIGURE.format(page=page), output, re.MULTILINE), f"no figure for {page}:\n{output}"
    # Each deep page (by due date, by received date) timed against its own page 1.
    for deep in (r"queue legal-aid page [\d,]+", r"queue legal-aid by received page [\d,]+"):
        assert re.search(rf"^sqlite .*{deep} .*time [\d.]+x page 1: (PASS|MISS)", output, re.MULTILINE), deep
    # p50/p99 under an open-loop load at half the bare page's saturation (bench/fixed_rate.py),
    # beside the rate the county needs at its peak, with its arithmetic.
    for page in ("bare 5 KB page", "home /", "request detail"):
        assert re.search(
            rf"^sqlite .*{page} .* at [\d,]+/s: p50 ([\d.]+ ms|> grace) p99 ([\d.]+ ms|> grace)",
            output,
            re.MULTILINE,
        ), page
    assert re.search(r"= [\d.]+ pages/s at the peak", output)
    assert re.search(r"half the bare page's saturation: [\d,]+ req/s = [\d,]+x the county's peak", output)
    assert re.search(r"worker RSS after load\s+[\d.]+ MB, [\d.]+ MB", output)
    assert "| db | rows | page | req/s |" in output
