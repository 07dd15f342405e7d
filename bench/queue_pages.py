"""The staff pages that depend on the filled table: the legal-aid queue's deep pages (by
due date and by received date) and a request detail. Shared by bench/run.py and
bench/profile.py, so that both name (and load) the same pages of the same database."""

from databases import BenchDatabase
from pages import Page, staff

QUEUE = "/staff/queue/legal-aid"
PAGE_SIZE = 20  # QUEUE_PAGE_SIZE
#: The deep page opens after this share of the queue: page 40,001 of a 1M queue.
DEEP_SHARE = 0.8


def with_queue_pages(database: BenchDatabase, pages: list[Page]) -> tuple[list[Page], dict[str, str]]:
    """`pages` with the deep pages after the legal-aid queue's page 1 and the request detail
    at the end; and each deep page's label -> the label of its own order's page 1."""
    rows = database.la_count()
    open_rows = database.open_count()
    before = max(PAGE_SIZE, min(int(rows * DEEP_SHARE), open_rows - PAGE_SIZE) // PAGE_SIZE * PAGE_SIZE)
    number = f"{before // PAGE_SIZE + 1:,}"
    deep = staff(
        f"queue legal-aid page {number}",
        f"{QUEUE}?tab=open&after={database.cursor_after(before)}",
        database.open_reference_at(before),
    )
    pages = list(pages)
    first = next(p for p in pages if p.label == "queue legal-aid page 1")
    first.marker = database.open_reference_at(0)
    # The same open tab sorted by received date (its own keyset index): page 1 and as deep.
    by_received = f"{QUEUE}?tab=open&sort=received"
    received_first = staff(
        "queue legal-aid by received page 1", by_received, database.received_reference_at(0)
    )
    received_deep = staff(
        f"queue legal-aid by received page {number}",
        f"{by_received}&after={database.received_cursor_after(before)}",
        database.received_reference_at(before),
    )
    at = pages.index(first) + 1
    pages[at:at] = [deep, received_first, received_deep]
    detail = database.detail_reference()
    pages.append(staff("request detail", f"/staff/requests/{detail}", detail))
    return pages, {deep.label: first.label, received_deep.label: received_first.label}
