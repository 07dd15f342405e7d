"""Never overbook, across processes: 200 simultaneous bookings over HTTP for the 10 seats
of one slot, against the live gunicorn server (2 worker processes), give exactly 10
bookings, "just filled" for the others, and no server error."""

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import create_engine, select, text

from portal.core.intake import ANSWERS_CHECKED, STEP_FIELD
from portal.core.models import OutboxMessage

ATTEMPTS = 200
SEATS = 10
TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')
#: The code page's own token (its hidden input lists name before value, as here).
CODE_PAGE_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
CODE = re.compile(r"(?<!\d)\d{6}(?!\d)")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def free_slot_with_ten_seats(database_url: str):
    """Pick a free slot of the county centre at least a day ahead and give it 10 seats."""
    from portal.core.clock import to_local, utcnow

    engine = create_engine(database_url)
    with engine.begin() as connection:
        row = connection.execute(
            text(
                "SELECT s.id, s.service_point_id, s.starts_at FROM consultation_slot s "
                "JOIN service_point p ON p.id = s.service_point_id "
                "WHERE p.code = 'CENTRE' AND s.booked = 0 AND NOT s.blocked AND s.starts_at > :after "
                "ORDER BY s.starts_at LIMIT 1"
            ),
            {"after": utcnow() + timedelta(days=1)},
        ).one()
        connection.execute(
            text("UPDATE consultation_slot SET capacity = :seats WHERE id = :id"),
            {"seats": SEATS, "id": row.id},
        )
    engine.dispose()
    # SQLite hands the timestamp back as text.
    starts_at = datetime.fromisoformat(row.starts_at) if isinstance(row.starts_at, str) else row.starts_at
    return row.id, row.service_point_id, to_local(starts_at).date().isoformat()


def attempt(engine, base_url: str, point_id: int, day: str, slot_id: int, index: int) -> int:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), NoRedirect)
    page_url = f"{base_url}/consultations/book?point={point_id}&date={day}"
    html = opener.open(page_url, timeout=60).read().decode()
    form = {
        "csrf_token": TOKEN.search(html).group(1),
        "slot": str(slot_id),
        "channel": "in_person",
        "topic": "labour",
        "description": "并发预约测试",
        "name": f"测试{index}",
        "mobile": f"137{index:08d}",
        ANSWERS_CHECKED: "1",  # as the check-your-answers page sends it
    }
    request = urllib.request.Request(page_url, data=urllib.parse.urlencode(form).encode(), method="POST")
    try:
        response = opener.open(request, timeout=60)
    except urllib.error.HTTPError as error:
        return error.code
    if response.status != 200:
        return response.status
    # As deployed: the code page; the code is read from the outbox as the phone gets it.
    code_page = response.read().decode()
    with engine.connect() as connection:
        body = connection.execute(
            select(OutboxMessage.body)
            .where(OutboxMessage.recipient == form["mobile"])
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        ).scalar()
    answer = {
        "csrf_token": CODE_PAGE_TOKEN.search(code_page).group(1),
        STEP_FIELD: "code",
        "mobile_code": CODE.search(body).group(0),
    }
    request = urllib.request.Request(page_url, data=urllib.parse.urlencode(answer).encode(), method="POST")
    try:
        return opener.open(request, timeout=60).status
    except urllib.error.HTTPError as error:
        return error.code


def test_two_hundred_http_bookings_on_ten_seats_across_worker_processes(live_server):
    urllib.request.urlopen(f"{live_server.base_url}/consultations/", timeout=60).read()  # publishes the slots
    slot_id, point_id, day = free_slot_with_ten_seats(live_server.database_url)
    outbox = create_engine(live_server.database_url, pool_size=32)
    with ThreadPoolExecutor(max_workers=32) as pool:
        statuses = list(
            pool.map(
                lambda i: attempt(outbox, live_server.base_url, point_id, day, slot_id, i), range(ATTEMPTS)
            )
        )
    outbox.dispose()
    assert statuses.count(303) == SEATS, sorted(set(statuses))
    assert statuses.count(409) == ATTEMPTS - SEATS  # "that time was just filled"
    engine = create_engine(live_server.database_url)
    with engine.connect() as connection:
        booked = connection.execute(
            text("SELECT booked FROM consultation_slot WHERE id = :id"), {"id": slot_id}
        ).scalar()
        bookings = connection.execute(
            text("SELECT count(*) FROM consultation_booking WHERE slot_id = :id"), {"id": slot_id}
        ).scalar()
    engine.dispose()
    assert booked == bookings == SEATS
