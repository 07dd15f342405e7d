"""HTTP caching of public pages (issue #20): only what is the same for every visitor.

A shared cache (a proxy, a CDN, a library's kiosk browser) keys a page on its address and
the request headers it `Vary`s on. So a page marked public may say `Cache-Control: public`
only when it holds nothing of the browser that asked: no CSRF token, no flash message,
no signed-in header, no cookie set. These tests play a cache: they keep every response
that says `public` and check that answering the other visitors with it would be right.
"""

from test_private_pages import fill, get_rules

from portal.core.pages import is_public_page
from portal.core.registry import all_kinds

from support import PASSWORD


def cacheable(response) -> bool:
    return "public" in response.headers.get("Cache-Control", "")


def test_an_anonymous_public_page_is_shared_with_an_etag_and_answered_304(client):
    first = client.get("/")
    assert first.status_code == 200
    assert cacheable(first) and "max-age=" in first.headers["Cache-Control"]
    assert "Cookie" in first.headers["Vary"]
    assert "Set-Cookie" not in first.headers
    again = client.get("/", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304
    assert again.get_data() == b""


def test_no_cache_ever_serves_one_persons_page_to_another(app, make_client, make_staff):
    """Walk every GET page as an anonymous visitor, as an applicant who has tracked a
    request, and as a signed-in officer. Every shared response must be byte-for-byte what
    a brand-new visitor gets, and must not carry a form token, a cookie or personal data."""
    made = [kind.make_sample() for kind in all_kinds()]
    from portal.extensions import db

    db.session.commit()
    make_staff("officer", "legal_aid_officer", name="Officer Zhang")
    tracker = make_client()
    for request_obj in made:
        assert (
            tracker.submit(
                "/track", {"reference": request_obj.reference, "mobile": request_obj.applicant_mobile}
            ).status_code
            == 302
        )
    staff = make_client()
    staff.sign_in("officer", PASSWORD)
    personal = [value for r in made for value in (r.applicant_name, r.applicant_mobile)] + ["Officer Zhang"]

    values = {"reference": made[0].reference, "slug": all_kinds()[0].slug}
    shared = 0
    for rule in get_rules(app):
        url = fill(rule, values)
        # A new visitor per page: a visitor who has seen a form holds a CSRF secret, and
        # from then on rightly gets only private copies.
        for who, browser in (("visitor", make_client()), ("applicant", tracker), ("officer", staff)):
            response = browser.get(url)
            if not cacheable(response):
                continue
            shared += 1
            with app.test_request_context():
                assert is_public_page(rule.endpoint), f"{url} shared but not marked public"
            assert who != "officer", f"{url}: a signed-in page was shared"
            assert "Set-Cookie" not in response.headers, f"{url} shared with a cookie for {who}"
            assert "Cookie" in response.headers.get("Vary", ""), url
            body = response.get_data(as_text=True)
            assert "csrf_token" not in body, f"{url} shared with a form token ({who})"
            for value in personal:
                assert value not in body, f"{url} shared with {value} ({who})"
            # What a cache would hand the next visitor must be what that visitor gets.
            newcomer = make_client().get(url)
            assert newcomer.get_data() == response.get_data(), (
                f"{url}: {who}'s copy differs from a newcomer's"
            )
    assert shared >= 3  # home, the directory, the site pages at least


def test_a_page_showing_a_flash_message_is_not_shared(client):
    # An anonymous visitor sent to the sign-in page gets a flash message in the session.
    assert client.get("/staff/queue/legal-aid").status_code == 302
    shown = client.get("/")
    assert 'class="flashes"' in shown.get_data(as_text=True)
    assert not cacheable(shown)
    # Not kept at all (issue #37: it had no Cache-Control, so the back button or a
    # heuristic cache could show the message again).
    assert shown.headers["Cache-Control"] == "no-store"


def test_a_public_page_with_a_form_token_is_not_shared(client):
    # The sign-in form is not a public page at all; a public page that made a token would
    # leave it in the session, which keeps the response private.
    assert client.get("/account/login").headers["Cache-Control"] == "no-store"
    after_token = client.get("/")
    assert not cacheable(after_token), "a browser holding a CSRF secret got a shared page"
