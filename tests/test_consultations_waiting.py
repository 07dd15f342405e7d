"""The waiting list as deployed (issue #37): the mobile proved by an SMS code read from the
outbox, the intake's per-address and per-mobile limits, one entry per mobile and point."""

import html as html_module
import re
import uuid

import pytest
from sqlalchemy import func, select
from test_consultations import make_point

from portal import create_app
from portal.consultations.models import WaitingListEntry
from portal.core.models import OutboxMessage
from portal.extensions import db

from conftest import PortalClient, app_config


@pytest.fixture
def deployed(app, schema, tmp_path):
    """Mobile codes and the submission limits on, as in production (memory counters)."""
    settings = dict(
        app_config(schema, tmp_path / "deployed"),
        MOBILE_VERIFICATION=True,
        RATELIMIT_ENABLED=True,
        RATELIMIT_KEY_PREFIX=f"portal-test-{uuid.uuid4().hex}",
        RATELIMIT_SUBMISSIONS_PER_ADDRESS="3 per hour",
        RATELIMIT_SUBMISSIONS_PER_MOBILE="3 per hour;10 per day",
    )
    instance = create_app(settings)
    instance.test_client_class = PortalClient
    with instance.app_context():
        yield instance
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def point(deployed):
    return make_point()


@pytest.fixture
def make_client(deployed):
    return deployed.test_client


@pytest.fixture
def client(deployed):
    return deployed.test_client()


def entries() -> int:
    return db.session.scalar(select(func.count()).select_from(WaitingListEntry))


def code_sent_to(mobile: str) -> str:
    body = db.session.scalars(
        select(OutboxMessage.body).where(OutboxMessage.recipient == mobile).order_by(OutboxMessage.id.desc())
    ).first()
    return re.search(r"\d{6}", body).group(0)


def code_form(page: str) -> str:
    """The code page's form (the page has others: language, elderly mode)."""
    return next(form for form in page.split("<form")[1:] if 'name="mobile_code"' in form).split("</form>")[0]


def kept_fields(page: str) -> dict:
    data: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', code_form(page)):
        data.setdefault(name, []).append(html_module.unescape(value))
    return data


def code_page_action(page: str) -> str:
    return html_module.unescape(re.search(r'action="([^"]+)"', code_form(page)).group(1))


def join(client, point, mobile: str, address: str = "203.0.113.5"):
    """Ask to wait, then type the code the SMS carried: the final answer."""
    client.environ_base["REMOTE_ADDR"] = address
    asked = client.submit(
        f"/consultations/book?point={point.id}",
        {"name": "吴秀英", "mobile": mobile},
        action=f"/consultations/waiting-list?point={point.id}",
    )
    if asked.status_code != 200 or 'name="mobile_code"' not in asked.get_data(as_text=True):
        return asked
    page = asked.get_data(as_text=True)
    return client.post(
        code_page_action(page), data={**kept_fields(page), "mobile_code": code_sent_to(mobile)}
    )


def test_the_waiting_list_takes_a_mobile_only_once_its_code_is_typed(deployed, client, point):
    """Red without the code step (the entry is made at the first POST, for any number)."""
    asked = client.submit(
        f"/consultations/book?point={point.id}",
        {"name": "吴秀英", "mobile": "13600000000"},
        action=f"/consultations/waiting-list?point={point.id}",
    )
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and 'name="mobile_code"' in page and "136****0000" in page
    assert entries() == 0  # nobody waits on an unproved number
    wrong = "000000" if code_sent_to("13600000000") != "000000" else "111111"
    refused = client.post(code_page_action(page), data={**kept_fields(page), "mobile_code": wrong})
    assert refused.status_code == 400 and entries() == 0
    done = client.post(
        code_page_action(page), data={**kept_fields(page), "mobile_code": code_sent_to("13600000000")}
    )
    assert done.status_code == 200 and entries() == 1
    assert db.session.scalar(select(WaitingListEntry.mobile)) == "13600000000"


def test_one_entry_per_mobile_and_point(deployed, make_client, point):
    """Red without the unique index on waiting entries (a race, or a second join, makes two)."""
    deployed.config["RATELIMIT_SMS_PER_MOBILE"] = "10 per minute"  # three codes to one mobile here
    assert join(make_client(), point, "13600000000").status_code == 200
    assert join(make_client(), point, "13600000000").status_code == 200
    assert entries() == 1
    other = make_point(code="TOWN", name="星沙司法所")
    assert join(make_client(), other, "13600000000").status_code == 200
    assert entries() == 2
    db.session.add(WaitingListEntry(service_point_id=point.id, name="x", mobile="13600000000"))
    with pytest.raises(Exception, match="(?i)unique|duplicate"):
        db.session.commit()  # the database refuses a second waiting entry, whatever races
    db.session.rollback()


def test_the_waiting_list_counts_against_the_submission_limits(deployed, make_client, point):
    """Issue #37: 218 entries in 20 s from one address. Red without the limits (every
    join from one address succeeds)."""
    answers = [join(make_client(), point, f"1360000000{n}").status_code for n in range(5)]
    assert answers == [200, 200, 200, 429, 429]
    assert entries() == 3
    assert join(make_client(), point, "13600000009", address="198.51.100.7").status_code == 200
