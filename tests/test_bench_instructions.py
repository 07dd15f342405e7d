"""bench/instructions.py reads callgrind's count from its summary and takes the difference
of two runs: start-up, sign-in and warm-up cancel out. (The counting itself runs under
valgrind for minutes a page: a measuring tool, run for the docs' figures, not in CI.)"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import instructions  # noqa: E402

SUMMARY = """==4242== Events    : Ir
==4242== Collected : 8021981196
==4242==
==4242== I   refs:      8,021,981,196
"""


def test_the_count_is_read_from_callgrinds_summary():
    assert instructions.collected(SUMMARY) == 8_021_981_196


def test_a_worker_that_printed_no_summary_is_an_error():
    with pytest.raises(RuntimeError, match="no callgrind summary"):
        instructions.collected("Traceback (most recent call last): ...")


def test_per_request_is_the_difference_over_the_extra_requests():
    assert instructions.per_request(8_021_981_196, 8_152_907_973, 10) == pytest.approx(13_092_677.7)
    with pytest.raises(ValueError):
        instructions.per_request(100, 100, 10)  # a longer run that counted nothing more
