"""Abuse limits on accepted submissions (SPEC §11, issue #15): per mobile tight, per
address generous, counted in Redis across app instances; validation errors, page views
and language switches never count; staff-entered requests are exempt."""

import uuid

import pytest
from test_rate_limit_redis import redis_answers

from portal import create_app
from portal.core.notifications import public_url
from portal.extensions import db

from conftest import PortalClient, app_config
from support import application_form


def limited_app(schema, tmp_path, **settings):
    config = dict(
        app_config(schema, tmp_path),
        RATELIMIT_ENABLED=True,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=f"portal-test-{uuid.uuid4().hex}",
    )
    app = create_app({**config, **settings})
    app.test_client_class = PortalClient
    return app


def apply(client, mobile: str, address: str = "203.0.113.5", **overrides):
    client.environ_base["REMOTE_ADDR"] = address
    return client.submit("/legal-aid/apply", application_form(mobile=mobile, **overrides)).status_code


@pytest.mark.skipif(not redis_answers(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_app_instances_share_the_submission_limits(app, schema, tmp_path):
    prefix = f"portal-test-{uuid.uuid4().hex}"
    settings = {
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_SUBMISSIONS_PER_MOBILE": "2 per hour",
        "RATELIMIT_SUBMISSIONS_PER_ADDRESS": "4 per hour",
    }
    statuses = []
    for process in range(2):  # like two gunicorn workers
        instance = limited_app(schema, tmp_path / str(process), **settings)
        with instance.app_context():
            client = instance.test_client()
            # a validation error and a page view never count
            assert apply(client, "13900000011", applicant_name="") == 400
            statuses.append(apply(client, "13900000011"))
            db.session.remove()
            db.engine.dispose()
    assert statuses == [303, 303]
    third = limited_app(schema, tmp_path / "3", **settings)
    with third.app_context():
        client = third.test_client()
        assert apply(client, "13900000011") == 429  # a third with the same mobile: tight
        assert apply(client, "13900000022") == 303  # another person from the same address
        assert apply(client, "13900000033") == 303
        assert apply(client, "13900000044") == 429  # the address's share (4) is used up
        assert apply(client, "13900000044", address="198.51.100.7") == 303  # elsewhere: fine
        db.session.remove()
        db.engine.dispose()


def test_links_in_messages_use_the_public_base_url_not_the_host_header(app):
    app.config["PUBLIC_BASE_URL"] = "https://fl.example.cn/"
    with app.test_request_context("/", base_url="http://evil.example"):
        assert public_url("public.track") == "https://fl.example.cn/track"
    with app.app_context():  # a command or job, no request at all
        assert public_url("public.track") == "https://fl.example.cn/track"
