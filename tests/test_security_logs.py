"""Logs carry no personal data, and user data inside translated messages is escaped
(SPEC §11, issue #15)."""

import io
import logging

from flask import flash, render_template_string
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError

from portal.accounts.models import AccountType, User
from portal.errors import mask_personal_data
from portal.extensions import db

from support import VALID_ID

MOBILE = "13900000011"


def test_a_failed_insert_is_logged_without_parameters_and_masked(app, client, caplog):
    db.session.add(
        User(account_type=AccountType.RESIDENT, mobile=MOBILE, display_name="x", password_hash="x")
    )
    db.session.commit()

    def duplicate():  # a failed insert carrying an ID number and a mobile, inside a request
        db.session.add(
            User(
                account_type=AccountType.RESIDENT,
                mobile=MOBILE,
                display_name=f"身份证 {VALID_ID}",
                password_hash="x",
            )
        )
        try:
            db.session.commit()
        except IntegrityError:
            logging.getLogger("portal").warning("insert for %s (mobile %s) failed", VALID_ID, MOBILE)
            raise

    app.add_url_rule("/test-failed-insert", view_func=duplicate)
    app.testing = False
    app.config["PROPAGATE_EXCEPTIONS"] = False
    with caplog.at_level(logging.INFO):
        assert client.get("/test-failed-insert").status_code == 500
    text = caplog.text
    assert "unhandled error" in text and "IntegrityError" in text  # the traceback is there...
    assert "SQL parameters hidden" in text  # ...without the statement's parameters
    assert VALID_ID not in text and MOBILE not in text
    assert "4301**********1237" in text and "139****0011" in text


def test_every_log_line_masks_id_numbers_and_mobiles(app, caplog):
    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('"GET /track?mobile=%s HTTP/1.1" 200', MOBILE)
        logging.getLogger("anything").error("+86%s, 139 0000 0011, id %s", MOBILE, VALID_ID.lower())
        try:
            raise ValueError(f"bad {VALID_ID}")
        except ValueError:
            logging.getLogger("portal").exception("failed")
    assert MOBILE not in caplog.text and VALID_ID not in caplog.text and "0000 0011" not in caplog.text
    assert caplog.text.count("139****0011") == 3
    # references, dates and times stay readable
    assert (
        mask_personal_data("LA-2026-000123 at 2026-11-30 14:00:05, 20261130140005")
        == "LA-2026-000123 at 2026-11-30 14:00:05, 20261130140005"
    )


def test_the_engine_hides_parameters(app):
    assert db.engine.hide_parameters


def test_lazy_translated_strings_with_user_data_are_escaped(app):
    name = '<img src=x onerror="alert(1)">.pdf'
    with app.test_request_context():
        html = render_template_string("{{ m }}", m=_l("%(name)s is empty.", name=name))
        assert "<img" not in html and "&lt;img" in html
        flash(_l("Account %(name)s saved.", name=name))
        html = render_template_string("{% for m in get_flashed_messages() %}{{ m }}{% endfor %}")
        assert "<img" not in html and "&lt;img" in html


def test_an_uploads_file_name_comes_back_escaped(client):
    from test_health_checks import PASSWORD, PDF, USCC

    registered = client.submit(
        "/account/register",
        {
            "account_type": "enterprise",
            "display_name": "唐会计",
            "mobile": "13800000011",
            "company_name": "星沙精工有限公司",
            "uscc": USCC,
            "password": PASSWORD,
            "confirm": PASSWORD,
        },
    )
    assert registered.status_code == 302
    evil = "<img src=x onerror=alert(1)>.pdf"
    answer = client.submit(
        "/account/enterprise",
        {"verify-licence": [(io.BytesIO(b""), evil)], "verify-authorisation": [(io.BytesIO(PDF), "a.pdf")]},
        content_type="multipart/form-data",
    )
    html = answer.get_data(as_text=True)
    assert answer.status_code == 400 and "&lt;img src=x onerror=alert(1)&gt;.pdf" in html
    assert "<img src=x" not in html
