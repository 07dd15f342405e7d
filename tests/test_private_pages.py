"""Private by default: every page is `no-store` unless its view says it carries no personal data.

Walks the URL map as an applicant (who has tracked one sample request of every declared
kind) and as a supervisor; a page that is not marked public must not be cacheable, and a
page marked public must carry no per-person form and none of the samples' personal data.
"""

import re

from portal.core.pages import is_public_page
from portal.core.registry import all_kinds
from portal.extensions import db

from support import PASSWORD


def fill(rule, values: dict) -> str:
    url = rule.rule
    for name in rule.arguments:
        url = re.sub(rf"<(?:[^:<>]+:)?{name}>", str(values.get(name, 1)), url)
    return url


def samples() -> list:
    made = [kind.make_sample() for kind in all_kinds()]
    db.session.commit()
    return made


def get_rules(app):
    return [r for r in app.url_map.iter_rules() if "GET" in r.methods and r.endpoint != "static"]


def walk(app, client, values: dict, personal: list[str], signed_in: bool = False) -> int:
    checked = 0
    for rule in get_rules(app):
        response = client.get(fill(rule, values))
        if response.status_code >= 300:
            continue
        checked += 1
        with app.test_request_context():
            public = is_public_page(rule.endpoint)
        if signed_in or not public or 'class="flashes"' in response.get_data(as_text=True):
            # A page showing a flash message holds a message for this browser (issue #37).
            assert response.headers.get("Cache-Control") == "no-store", rule.endpoint
        else:
            assert "no-store" not in response.headers.get("Cache-Control", ""), rule.endpoint
            body = response.get_data(as_text=True)
            assert "csrf_token" not in body, f"{rule.endpoint} is marked public but holds a per-person form"
            for value in personal:
                assert value not in body, f"{rule.endpoint} is marked public but shows {value}"
    return checked


def test_applicant_pages_of_every_kind_are_never_cached(app, client):
    made = samples()
    for request_obj in made:  # the applicant proves reference + mobile, as a person would
        response = client.submit(
            "/track", {"reference": request_obj.reference, "mobile": request_obj.applicant_mobile}
        )
        assert response.status_code == 302
    for request_obj in made:
        values = {"reference": request_obj.reference, "slug": "x", "attachment_id": 1}
        personal = [request_obj.applicant_name, request_obj.applicant_mobile]
        assert walk(app, client, values, personal) > 10


def test_staff_pages_are_never_cached(app, make_staff, make_client):
    made = samples()
    make_staff("supervisor", "supervisor")
    client = make_client()
    client.sign_in("supervisor", PASSWORD)
    for request_obj in made:
        values = {
            "reference": request_obj.reference,
            "slug": next(k.slug for k in all_kinds() if k.code == request_obj.request_type),
        }
        personal = [request_obj.applicant_name, request_obj.applicant_mobile]
        assert walk(app, client, values, personal, signed_in=True) > 10


def test_the_tracking_page_and_a_form_with_personal_data_are_private(client, app):
    made = samples()
    client.submit("/track", {"reference": made[0].reference, "mobile": made[0].applicant_mobile})
    for url in (f"/track/{made[0].reference}", "/legal-aid/apply", "/consultations/book", "/account/login"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert "no-store" not in client.get("/").headers.get("Cache-Control", "")
