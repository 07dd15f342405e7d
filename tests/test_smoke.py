"""Every public page answers, in Chinese by default."""

import pytest


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/legal-aid/",
        "/legal-aid/apply",
        "/track",
        "/account/login",
        "/account/register",
        "/staff/login",
        "/consultations/",
        "/consultations/book",
        "/health-checks/",
        "/health-checks/request",
        "/advisers/",
    ],
)
def test_public_page_answers_in_chinese(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert '<html lang="zh-Hans">' in response.get_data(as_text=True)


def test_healthz_checks_the_database(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}
    # Not kept by any cache (issue #37: it was `public, max-age=60`, a stale "ok").
    assert response.headers["Cache-Control"] == "no-store"
