"""Chinese by default, English second, remembered; the catalogs are complete and current."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

from portal.config import PROJECT_ROOT

CATALOG = PROJECT_ROOT / "translations" / "zh_Hans" / "LC_MESSAGES" / "messages.po"


def test_the_chinese_catalog_is_really_loaded(client):
    page = client.get("/").get_data(as_text=True)
    assert "公共法律服务平台" in page and "Public Legal Services Portal" not in page


def test_switching_to_english_is_remembered_on_every_page(client):
    switch = client.get("/language/en?next=/legal-aid/")
    assert switch.status_code == 302 and switch.headers["Location"] == "/legal-aid/"
    assert "lang=en" in switch.headers["Set-Cookie"]
    for path in ("/", "/legal-aid/", "/track", "/account/login"):
        page = client.get(path).get_data(as_text=True)
        assert '<html lang="en">' in page, path
    client.get("/language/zh_Hans")
    assert '<html lang="zh-Hans">' in client.get("/").get_data(as_text=True)


def test_the_switch_link_keeps_the_current_page(client):
    page = client.get("/track").get_data(as_text=True)
    assert 'href="/language/en?next=/track"' in page


def test_the_switch_never_redirects_off_site(client):
    assert client.get("/language/en?next=https://evil.example/").headers["Location"] == "/"


def test_every_message_has_a_finished_chinese_translation():
    with CATALOG.open("rb") as handle:
        catalog = read_po(handle)
    missing = [
        m.id
        for m in catalog
        if m.id and (m.fuzzy or not m.string or (isinstance(m.string, tuple) and not all(m.string)))
    ]
    assert not missing, f"untranslated: {missing[:10]}"


def test_the_catalog_template_is_not_stale(tmp_path):
    """Every string in the code and templates is in the catalog (run `make babel-update`)."""
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=PROJECT_ROOT,
        check=True,
        capture_output=True,
    )
    with fresh.open("rb") as handle:
        extracted = {m.id for m in read_po(handle) if m.id}
    with CATALOG.open("rb") as handle:
        translated = {m.id for m in read_po(handle) if m.id}
    assert extracted - translated == set(), (
        f"not in the catalog: {sorted(map(str, extracted - translated))[:10]}"
    )
