"""Fingerprinted static URLs (?v=<content hash>): a changed file gets a new URL."""

import hashlib
import re
from pathlib import Path

from flask import url_for

from portal.static_files import StaticVersions


def test_static_urls_carry_the_hash_of_the_files_content(app, client):
    html = client.get("/").get_data(as_text=True)
    links = re.findall(r'(?:href|src)="(/static/[^"]+)"', html)
    assert links, "the home page links static files"
    for link in links:
        path, _, query = link.partition("?")
        body = client.get(link).data
        assert query == "v=" + hashlib.sha256(body).hexdigest()[:12], link
        assert body == Path(app.static_folder, path.removeprefix("/static/")).read_bytes()


def test_a_changed_file_gets_a_new_url_and_names_outside_the_folder_get_none(tmp_path):
    versions = StaticVersions(tmp_path)
    (tmp_path / "site.css").write_text("body { color: black }")
    first = versions.version("site.css")
    (tmp_path / "site.css").write_text("body { color: navy; }")
    second = versions.version("site.css")
    assert first and second and first != second
    assert second == hashlib.sha256(b"body { color: navy; }").hexdigest()[:12]
    (tmp_path.parent / "secret.txt").write_text("x")
    assert versions.version("../secret.txt") is None and versions.version("missing.css") is None


def test_url_for_static_is_fingerprinted_and_other_endpoints_are_not(app):
    with app.test_request_context():
        assert re.fullmatch(
            r"/static/css/print\.css\?v=[0-9a-f]{12}", url_for("static", filename="css/print.css")
        )
        assert "v=" not in url_for("public.home")
