"""Rate limits hold across processes when they live in Redis (SPEC §11)."""

import socket
import uuid

import pytest

from portal import create_app
from portal.extensions import db

from conftest import PortalClient, app_config

REDIS = ("127.0.0.1", 6379)


def redis_answers() -> bool:
    try:
        with socket.create_connection(REDIS, timeout=0.5):
            return True
    except OSError:
        return False


@pytest.mark.skipif(not redis_answers(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_app_processes_share_one_login_limit(schema, tmp_path):
    settings = dict(
        app_config(schema, tmp_path),
        RATELIMIT_ENABLED=True,
        RATELIMIT_LOGIN="3 per minute",
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=f"portal-test-{uuid.uuid4().hex}",
    )
    statuses = []
    for _process in range(2):  # two independent app instances, like two gunicorn workers
        app = create_app(settings)
        app.test_client_class = PortalClient
        client = app.test_client()
        with app.app_context():
            statuses += [
                client.submit("/account/login", {"login": "x", "password": "y"}).status_code for _ in range(2)
            ]
            db.session.remove()
            db.engine.dispose()
    assert statuses == [200, 200, 200, 429]
