"""Helpers that make a page's repeated parts once (issue #20): still the same output."""

from datetime import timedelta

from flask import url_for
from flask_babel import force_locale

from portal.core.clock import time_left, utcnow
from portal.i18n import LANGUAGE_COOKIE
from portal.templating import url_maker


def test_a_url_made_once_per_page_is_what_url_for_gives(app):
    with app.test_request_context("/", base_url="http://localhost/portal/"):
        detail = url_maker("backoffice.detail", "reference")
        for reference in ("LA-2026-000001", "a b/c?d#é~", "%", 12):
            assert detail(reference) == url_for("backoffice.detail", reference=reference)
        assert detail("LA-2026-000001").startswith("/portal/")


def test_time_left_is_worded_in_each_language_every_time(app):
    now = utcnow()
    with app.test_request_context("/"):
        for _ in range(2):
            with force_locale("en"):
                assert time_left(now + timedelta(days=3, hours=1)) == "3 days left"
                assert time_left(now - timedelta(hours=5, minutes=1)) == "overdue by 5 hours"
                assert time_left(now + timedelta(days=1, hours=1)) == "1 day left"
            with force_locale("zh_Hans"):
                chinese = time_left(now + timedelta(days=3, hours=1))
                assert "3" in chinese and "days" not in chinese


def test_queue_rows_link_to_their_requests(app, client, make_staff, make_application):
    application = make_application()
    make_staff("li", "legal_aid_officer")
    client.set_cookie(LANGUAGE_COOKIE, "en")
    client.sign_in("li")
    page = client.get("/staff/queue/legal-aid?tab=all").get_data(as_text=True)
    assert f'href="/staff/requests/{application.reference}"' in page
    assert client.get(f"/staff/requests/{application.reference}").status_code == 200


def test_a_lazy_text_is_translated_in_the_language_in_force_each_time(app):
    from flask_babel import lazy_gettext

    urgent, named = lazy_gettext("Urgent"), lazy_gettext("Taken by %(name)s", name="王")
    with app.test_request_context("/"):
        for _ in range(2):
            with force_locale("en"):
                assert (str(urgent), str(named)) == ("Urgent", "Taken by 王")
            with force_locale("zh_Hans"):
                assert str(urgent) != "Urgent" and str(named) != "Taken by 王" and "王" in str(named)


def test_filter_options_made_in_python_escape_and_mark_the_chosen_one(app):
    """`select_options` (the queue's filters, issue #40): the value chosen as text is
    selected, a number chosen by its text too, everything else plain; a label or value
    with markup is escaped. Mutants caught: no escape on the label; comparing without
    str() (the township id 3 never matched the "3" of the address)."""
    from portal.templating import select_options

    with app.test_request_context("/"):
        html = str(select_options([(3, "湘龙街道"), (4, "<b>x</b>"), ('a"b', "y")], "3"))
        assert html == (
            '<option value="3" selected>湘龙街道</option>'
            '<option value="4">&lt;b&gt;x&lt;/b&gt;</option>'
            '<option value="a&#34;b">y</option>'
        )
        assert "selected" not in str(select_options([(1, "a")], None))
        with force_locale("en"):
            assert ">Any<" in str(select_options([("", _l_any())], ""))


def _l_any():
    from flask_babel import lazy_gettext

    return lazy_gettext("Any")


def test_a_page_text_prints_as_jinjas_own_gettext_would(app):
    """portal.templating._page_gettext skips Jinja's `% {}` on a text without variables:
    the page must not change (escaping, `%%`, variables, templates without autoescape)."""
    from jinja2.ext import _make_new_gettext

    from portal.templating import _page_gettext

    catalog = {"Apply filters": "应用筛选", "Select %(reference)s": "选择 %(reference)s", "100%%": "100%%"}
    ours, jinjas = _page_gettext(lambda s: catalog.get(s, s)), _make_new_gettext(lambda s: catalog.get(s, s))
    cases = [
        ('{{ _("Apply filters") }}', {}),
        ('{{ _("Select %(reference)s", reference=ref) }}', {"ref": "<b>LA-1</b> & co"}),
        ('{{ _("100%%") }}', {}),
        ('{{ _("<em>not</em> a tag") }}', {}),
        ('{{ _("Select %(reference)s", reference=ref)|length }}', {"ref": "x"}),
    ]
    for autoescape in (True, False):
        for source, values in cases:
            template = app.jinja_env.overlay(autoescape=autoescape).from_string(source)
            expected = template.render(_=jinjas, **values)
            assert template.render(_=ours, **values) == expected, (source, autoescape)
    page = app.jinja_env.from_string('{{ _("Select %(reference)s", reference=ref) }} {{ _("100%%") }}')
    assert page.render(_=ours, ref="<b>") == "选择 &lt;b&gt; 100%"
