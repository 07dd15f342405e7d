"""Service ratings (好差评, SPEC §2) over HTTP: rated once by the applicant in a ratable state,
a poor rating followed up by a supervisor within working days, the answer shown to the
person, and the ratings counted in the reports."""

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select

from portal.accounts.models import User
from portal.core.clock import local_today, to_local
from portal.core.models import Holiday, InboxMessage
from portal.core.registry import kind_for_code
from portal.core.statutory_days import statutory_days_off
from portal.extensions import db
from portal.ratings.models import Rating


@pytest.fixture
def request_in(app):
    """A legal aid request put in the given state, and the applicant's browser tracking it."""

    def factory(client, status="closed"):
        found = kind_for_code("LA").make_sample()
        found.status = status
        found.is_open = kind_for_code("LA").workflow.state(status).is_open
        db.session.commit()
        client.set_cookie("lang", "en")
        response = client.submit("/track", {"reference": found.reference, "mobile": found.applicant_mobile})
        assert response.status_code == 302
        return found

    return factory


def rate(client, reference, level, comment=""):
    # The token of the tracking form: a page without a rating form has none of its own.
    return client.submit(
        "/track", {"level": str(level), "comment": comment}, action=f"/track/{reference}/rating"
    )


def ratings_of(found) -> int:
    return db.session.scalar(select(func.count()).select_from(Rating).where(Rating.request_id == found.id))


def test_the_applicant_rates_a_closed_request_once(client, request_in):
    found = request_in(client)
    page = client.get(f"/track/{found.reference}").get_data(as_text=True)
    assert "Rate this service" in page and "Very satisfied" in page and "Very dissatisfied" in page
    response = rate(client, found.reference, 4, "律师很耐心")
    assert response.status_code == 303
    page = client.get(f"/track/{found.reference}").get_data(as_text=True)
    assert (
        "Your rating: <strong>Satisfied</strong>" in page
        and "律师很耐心" in page
        and 'name="level"' not in page
    )
    again = rate(client, found.reference, 1, "改主意了")
    assert again.status_code == 409
    assert "This request has been rated already" in again.get_data(as_text=True)
    assert ratings_of(found) == 1
    assert db.session.scalar(select(Rating.level).where(Rating.request_id == found.id)) == 4
    assert db.session.scalar(select(Rating.follow_up_due_at).where(Rating.request_id == found.id)) is None


def test_a_request_that_is_not_ratable_cannot_be_rated(client, request_in):
    found = request_in(client, status="under_review")
    assert 'name="level"' not in client.get(f"/track/{found.reference}").get_data(as_text=True)
    response = rate(client, found.reference, 5)
    assert response.status_code == 409
    assert "cannot be rated in its current state" in response.get_data(as_text=True)
    assert ratings_of(found) == 0


def test_only_the_applicant_rates(client, make_client, request_in):
    found = request_in(client)
    stranger = make_client()
    assert rate(stranger, found.reference, 5).status_code == 403
    assert ratings_of(found) == 0


def test_a_rating_without_a_level_is_refused_next_to_the_field_keeping_the_comment(client, request_in):
    found = request_in(client)
    response = client.submit(
        f"/track/{found.reference}", {"comment": "等了很久"}, action=f"/track/{found.reference}/rating"
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "Choose how satisfied you are." in html and "等了很久" in html
    assert ratings_of(found) == 0


def working_days_after(start: date, count: int, days_off: set[date]) -> date:
    day = start
    while count:
        day += timedelta(days=1)
        if day.weekday() < 5 and day not in days_off:
            count -= 1
    return day


def test_a_poor_rating_opens_a_follow_up_that_a_supervisor_answers(
    app, client, request_in, make_staff, make_client
):
    today = local_today()
    # The law's days off count too (no year's arrangement is imported here).
    floor = set(statutory_days_off(today.year)) | set(statutory_days_off(today.year + 1))
    holiday = working_days_after(today, 3, floor)  # a weekday off inside the 15 working days
    db.session.add(Holiday(day=holiday, name="地方假日"))
    db.session.commit()
    found = request_in(client)
    assert rate(client, found.reference, 2, "三次来电都没人接").status_code == 303
    rating = db.session.scalar(select(Rating).where(Rating.request_id == found.id))
    assert to_local(rating.follow_up_due_at).date() == working_days_after(today, 15, floor | {holiday})
    assert "A supervisor will look into your rating" in client.get(f"/track/{found.reference}").get_data(
        as_text=True
    )

    make_staff("chief", "supervisor")
    make_staff("officer", "legal_aid_officer")
    officer = make_client()
    officer.sign_in("officer")
    assert officer.get("/staff/rating-follow-ups/").status_code == 403
    supervisor = make_client()
    supervisor.set_cookie("lang", "en")
    supervisor.sign_in("chief")
    listing = supervisor.get("/staff/rating-follow-ups/").get_data(as_text=True)
    assert found.reference in listing and "Dissatisfied" in listing
    page = f"/staff/rating-follow-ups/{rating.id}"
    assert "三次来电都没人接" in supervisor.get(page).get_data(as_text=True)
    empty = supervisor.submit(page, {"answer": "  "})
    assert empty.status_code == 400 and "Write the answer the person will read." in empty.get_data(
        as_text=True
    )
    answer = "已核实，值班电话已增设专人接听，对给您带来的不便表示歉意。"
    assert supervisor.submit(page, {"answer": answer}).status_code == 303
    assert supervisor.submit(page, {"answer": "再答一次"}).status_code == 409

    db.session.expire_all()
    assert db.session.get(Rating, rating.id).follow_up_answer == answer
    assert answer in client.get(f"/track/{found.reference}").get_data(as_text=True)
    assert (
        db.session.scalar(
            select(func.count())
            .select_from(InboxMessage)
            .where(InboxMessage.request_id == found.id, InboxMessage.body.contains(answer))
        )
        == 1
    )
    assert (
        found.reference
        not in supervisor.get("/staff/rating-follow-ups/")
        .get_data(as_text=True)
        .split("<h2>Answered</h2>")[0]
    )


def test_the_follow_up_days_are_a_setting(app, client, request_in):
    app.config["RATING_FOLLOW_UP_DAYS"] = 3
    found = request_in(client)
    rate(client, found.reference, 1)
    rating = db.session.scalar(select(Rating).where(Rating.request_id == found.id))
    assert to_local(rating.follow_up_due_at).date() == working_days_after(
        local_today(),
        3,
        set(statutory_days_off(local_today().year)) | set(statutory_days_off(local_today().year + 1)),
    )


def test_ratings_appear_in_the_report_by_service_township_and_staff(
    app, client, request_in, make_staff, make_client
):
    found = request_in(client)
    rate(client, found.reference, 1)
    other = make_client()
    second = request_in(other)
    rate(other, second.reference, 5)
    make_staff("chief", "supervisor")
    supervisor = make_client()
    supervisor.set_cookie("lang", "en")
    supervisor.sign_in("chief")
    year = local_today().year
    html = supervisor.get(f"/staff/reports/annual?start={year}-01&end={year}-12").get_data(as_text=True)
    ratings = html[html.index('id="section-ratings"') :]
    ratings = ratings[: ratings.index('<section class="report-section"')]
    assert (
        "Ratings by service" in ratings
        and "Ratings by township" in ratings
        and "Ratings by staff member" in ratings
    )
    # The row links to the legal aid queue filtered by the ratings it counts.
    assert re.search(
        r'<th scope="row">Legal aid</th>\s*<td><a href="/staff/queue/[^"]*rating=rated[^"]*">2</a></td>'
        r"\s*<td>50.0%</td>",
        ratings,
    )
    assert "Follow-ups open now" in ratings


def test_the_message_that_ends_a_request_invites_the_rating(app, make_staff, make_client):
    """A ratable state's notice carries the way to rate; a state that is not ratable does not."""
    from portal.core.services import perform

    make_staff("officer", "legal_aid_officer")
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    app.config["PUBLIC_BASE_URL"] = "https://fl.example.gov.cn"
    found = kind_for_code("LA").make_sample()
    found.status, found.handler_id = "under_review", officer.id
    db.session.commit()
    perform(found, "refuse", user=officer, data={"reasons": "收入超过标准"})
    db.session.commit()
    bodies = db.session.scalars(select(InboxMessage.body).where(InboxMessage.request_id == found.id)).all()
    assert any("https://fl.example.gov.cn/track" in b for b in bodies if "收入超过标准" in b)
    assert not any("https://fl.example.gov.cn/track" in b for b in bodies if "收入超过标准" not in b)


def test_the_tracking_page_of_an_open_request_does_not_look_for_a_rating(client, request_in):
    """A rating is given in a ratable state: an open request in another state has none to
    show, so its tracking page skips the statement (#40). Red when the panel always asks."""
    from statement_count import counted_statements

    found = request_in(client, status="under_review")
    client.get(f"/track/{found.reference}")
    with counted_statements(db.engine) as sent:
        assert client.get(f"/track/{found.reference}").status_code == 200
    assert sent and not [s for s in sent if "service_rating" in s], sent
    # Closed, the same page asks again and shows the form.
    found.status, found.is_open = "closed", False
    db.session.commit()
    with counted_statements(db.engine) as sent:
        page = client.get(f"/track/{found.reference}").get_data(as_text=True)
    assert 'name="level"' in page and [s for s in sent if "service_rating" in s]
