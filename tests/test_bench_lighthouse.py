"""bench/lighthouse.py audits a page again when Lighthouse itself asks for it (its trace
not recorded: NO_NAVSTART), and reports any other failure at once. Red without the retry:
the legal-aid question page's row was an ERROR in the final table of #40."""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import lighthouse  # noqa: E402

NO_NAVSTART = (
    "lighthouse failed on http://127.0.0.1:1/legal-aid/apply/matter (1): Runtime error encountered: "
    "Something went wrong with recording the trace over your page load. Please run Lighthouse again. (NO_NAVSTART)"
)


def flaky(failures: int, message: str = NO_NAVSTART):
    calls = []

    def run(url, cookie):
        calls.append(url)
        if len(calls) <= failures:
            raise RuntimeError(message)
        return {"audited": url}

    return run, calls


def test_a_trace_not_recorded_is_audited_again():
    run, calls = flaky(2)
    said = []
    assert lighthouse.audit_retrying("http://127.0.0.1:1/p", run=run, say=said.append) == {
        "audited": "http://127.0.0.1:1/p"
    }
    assert len(calls) == 3 and len(said) == 2


def test_it_gives_up_after_the_retries():
    run, calls = flaky(lighthouse.TRACE_RETRIES + 1)
    with pytest.raises(RuntimeError, match="NO_NAVSTART"):
        lighthouse.audit_retrying("http://127.0.0.1:1/p", run=run, say=lambda _m: None)
    assert len(calls) == lighthouse.TRACE_RETRIES + 1


def test_another_failure_is_not_retried():
    run, calls = flaky(1, "lighthouse failed on http://127.0.0.1:1/p (1): Chrome could not start")
    with pytest.raises(RuntimeError, match="Chrome could not start"):
        lighthouse.audit_retrying("http://127.0.0.1:1/p", run=run, say=lambda _m: None)
    assert len(calls) == 1
