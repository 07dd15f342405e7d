"""Government site furniture (SPEC §11, issue #17): owner and filings from settings,
privacy policy, accessibility statement, site map, favicon, tap-to-call links, elderly
mode, the resident and staff sign-in wording, and the font for 㮾."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import url_for
from fontTools.ttLib import TTFont

from portal.core.registry import capabilities
from portal.core.site_requests import ELDERLY_COOKIE
from portal.public.rare_font import FONT_FAMILY, FONT_FILE, RARE_CHARACTERS, unicode_range
from portal.templating import tel_href

ROOT = Path(__file__).resolve().parent.parent


def english(client):
    client.set_cookie("lang", "en")
    return client


def html_of(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, url
    return response.get_data(as_text=True)


def test_footer_shows_the_site_owner_contact_identifier_and_filings_from_settings(app, client):
    app.config.update(
        SITE_OWNER="某某县司法局",
        SITE_CONTACT_PHONE="0731-8888 1234",
        SITE_CONTACT_ADDRESS="某某路9号",
        SITE_IDENTIFIER="4301219999",
        ICP_FILING="湘ICP备12345678号-2",
        PUBLIC_SECURITY_FILING="湘公网安备43012102000123号",
    )
    footer = html_of(client, "/").split('<footer class="site-footer">', 1)[1]
    for text in (
        "某某县司法局",
        "某某路9号",
        "4301219999",
        "湘ICP备12345678号-2",
        "湘公网安备43012102000123号",
    ):
        assert text in footer
    assert 'href="tel:073188881234"' in footer
    assert 'href="https://beian.miit.gov.cn/"' in footer
    assert 'href="https://beian.mps.gov.cn/#/query/webSearch?code=43012102000123"' in footer
    for endpoint in ("/privacy", "/accessibility", "/sitemap"):
        assert f'href="{endpoint}"' in footer


def test_empty_filing_numbers_are_left_out(app, client):
    app.config.update(ICP_FILING="", PUBLIC_SECURITY_FILING="", SITE_IDENTIFIER="")
    page = html_of(client, "/")
    assert "beian.miit.gov.cn" not in page and "beian.mps.gov.cn" not in page
    assert 'class="filings"' not in page


def test_the_demo_defaults_say_they_are_demo_values(app):
    for name in (
        "SITE_OWNER",
        "SITE_CONTACT_ADDRESS",
        "SITE_IDENTIFIER",
        "ICP_FILING",
        "PUBLIC_SECURITY_FILING",
    ):
        assert "演示" in app.config[name], name


def test_header_has_the_hotline_as_a_tap_to_call_link_and_the_bureau_mark(client):
    page = html_of(client, "/")
    header = page.split('<header class="site-header">', 1)[1].split("</header>", 1)[0]
    assert re.search(r'<a class="hotline" href="tel:12348">[^<]*<strong>12348</strong></a>', header)
    # Static URLs carry their content hash (?v=, portal/static_files.py).
    assert re.search(
        r'<img class="bureau-mark" src="/static/img/bureau-mark\.svg\?v=[0-9a-f]{12}" alt=""', header
    )
    assert client.get("/static/img/bureau-mark.svg").status_code == 200


@pytest.mark.parametrize("url", ["/privacy", "/accessibility", "/sitemap"])
def test_the_shared_pages_are_public_and_in_both_languages(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert "no-store" not in response.headers.get("Cache-Control", "")
    assert "Cookie" in response.headers.get("Vary", "")  # elderly mode and language vary it
    zh = response.get_data(as_text=True)
    en = html_of(english(client), url)
    assert '<html lang="zh-Hans"' in zh and '<html lang="en"' in en
    assert re.search(r"<h1>[^<]*[\u4e00-\u9fff]", zh), "the Chinese page has a Chinese heading"


def test_the_site_map_lists_every_enabled_capability_and_the_shared_pages(app, client):
    page = html_of(english(client), "/sitemap")
    with app.test_request_context():
        urls = [url_for(link.endpoint) for capability in capabilities() for link in capability.nav]
    assert len(urls) >= 4
    for url in urls:
        assert f'href="{url}"' in page, url
    for url in (
        "/",
        "/track",
        "/account/login",
        "/account/register",
        "/privacy",
        "/accessibility",
        "/staff/login",
    ):
        assert f'href="{url}"' in page, url


def test_favicon_is_linked_and_served(client):
    page = html_of(client, "/")
    assert re.search(r'<link rel="icon" href="/static/favicon\.ico\?v=[0-9a-f]{12}"', page)
    assert re.search(
        r'<link rel="icon" href="/static/favicon\.svg\?v=[0-9a-f]{12}" type="image/svg\+xml">', page
    )
    icon = client.get("/static/favicon.ico")
    assert icon.status_code == 200 and icon.get_data()[:4] == b"\x00\x00\x01\x00"  # an ICO file
    assert client.get("/static/favicon.svg").status_code == 200
    legacy = client.get("/favicon.ico")
    assert legacy.status_code == 301 and legacy.headers["Location"].partition("?")[0].endswith(
        "/static/favicon.ico"
    )


# ---------------------------------------------------------------------- tap-to-call


@pytest.mark.parametrize(
    ("written", "href"),
    [
        ("0731-8400 0000", "tel:073184000000"),
        ("12348", "tel:12348"),
        ("+86 731 8400 0000", "tel:+8673184000000"),
        (" (0731) 84010002 ", "tel:073184010002"),
        ("call 0731", "tel:0731"),
        ("", ""),
        (None, ""),
        ("no number", ""),
    ],
)
def test_tel_links_are_built_from_digits_only(written, href):
    assert tel_href(written) == href


def test_service_point_phones_are_dialable(app, client):
    from portal import demo

    demo.seed_demo()
    page = html_of(client, "/consultations/")
    links = re.findall(r'href="(tel:[^"]*)"', page)
    assert len(links) > 2
    assert all(re.fullmatch(r"tel:\+?\d+", link) for link in links), links
    assert "tel:073184000000" in links  # stored as "0731-8400 0000"


# ---------------------------------------------------------------------- elderly mode


def test_elderly_mode_is_offered_on_every_page_as_a_form_without_a_session_token(client):
    for url in ("/", "/privacy", "/track", "/account/login", "/legal-aid/"):
        page = html_of(client, url)
        form = re.search(r'<form method="post" action="/display/elderly"[^>]*>(.*?)</form>', page, re.S)
        assert form, url
        assert "csrf_token" not in form.group(1)  # public pages stay shareable (test_private_pages)
        assert f'name="next" value="{url}"' in form.group(1)
        assert 'name="on" value="1"' in form.group(1)
        assert 'class="elderly"' not in page


#: Browsers send an Origin with every POST; the test client does not unless told.
FROM_THIS_SITE = {"Origin": "http://localhost"}


def test_elderly_mode_is_remembered_and_can_be_turned_off(client):
    response = client.post("/display/elderly", data={"on": "1", "next": "/privacy"}, headers=FROM_THIS_SITE)
    assert response.status_code == 303 and response.headers["Location"] == "/privacy"
    assert response.headers["Cache-Control"] == "no-store"
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{ELDERLY_COOKIE}=1;") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=31536000" in cookie

    for url in ("/", "/sitemap", "/track"):  # every later page, public or not
        page = html_of(client, url)
        assert '<html lang="zh-Hans" class="elderly">' in page, url
        assert 'name="on" value="0"' in page

    off = client.post("/display/elderly", data={"on": "0", "next": "/"}, headers=FROM_THIS_SITE)
    assert off.status_code == 303
    assert 'class="elderly"' not in html_of(client, "/")


def test_elderly_mode_goes_back_only_to_this_site(client):
    for target in ("https://evil.example/", "//evil.example/", None):
        data = {"on": "1"} | ({"next": target} if target else {})
        response = client.post("/display/elderly", data=data, headers=FROM_THIS_SITE)
        assert response.status_code == 303 and response.headers["Location"] == "/", target


def test_elderly_mode_writes_nothing_and_a_get_changes_nothing(client):
    assert client.get("/display/elderly").status_code == 405


@pytest.mark.parametrize(
    "headers",
    [{}, {"Origin": "https://evil.example"}, {"Referer": "https://evil.example/page"}, {"Origin": "null"}],
    ids=["no-origin", "other-origin", "other-referer", "opaque-origin"],
)
def test_elderly_mode_is_refused_when_sent_from_elsewhere(client, headers):
    """No session token can be on the (shareable) public pages: the form must come from this site."""
    response = client.post("/display/elderly", data={"on": "1", "next": "/"}, headers=headers)
    assert response.status_code == 400
    assert ELDERLY_COOKIE not in response.headers.get("Set-Cookie", "")


def test_elderly_mode_accepts_a_referer_of_this_site_or_of_the_public_address(app, client):
    same = client.post("/display/elderly", data={"on": "1"}, headers={"Referer": "http://localhost/privacy"})
    assert same.status_code == 303
    app.config["PUBLIC_BASE_URL"] = "https://legal.example.gov.cn"
    proxied = client.post(
        "/display/elderly", data={"on": "1"}, headers={"Origin": "https://legal.example.gov.cn"}
    )
    assert proxied.status_code == 303


def test_elderly_mode_has_larger_text_and_spacing_in_the_stylesheet(client):
    css = client.get("/static/css/portal.css").get_data(as_text=True)
    root = re.search(r"html\.elderly\s*\{([^}]*)\}", css)
    assert root and re.search(r"font-size:\s*1[2-9]\d%", root.group(1)), "larger root text"
    body = re.search(r"html\.elderly body\s*\{([^}]*)\}", css)
    assert body and re.search(r"line-height:\s*1\.[7-9]", body.group(1)), "more space between lines"


# ---------------------------------------------------------------------- sign-in wording


def label_of(page: str, field_id: str) -> str:
    match = re.search(rf'<label for="{field_id}">([^<]*)', page)
    assert match, field_id
    return match.group(1).strip()


def test_residents_are_asked_for_their_mobile_and_staff_for_their_username(client):
    english(client)
    assert label_of(html_of(client, "/account/login"), "login") == "Mobile number"
    assert label_of(html_of(client, "/staff/login"), "login") == "Username"
    client.set_cookie("lang", "zh_Hans")
    assert label_of(html_of(client, "/account/login"), "login") == "手机号码"
    assert "staff username" not in html_of(client, "/account/login")


# ---------------------------------------------------------------------- the font for 㮾


def test_the_rare_character_font_is_declared_only_for_its_characters(client):
    css = client.get("/static/css/portal.css").get_data(as_text=True)
    face = re.search(r"@font-face\s*\{([^}]*)\}", css)
    assert face, "no @font-face"
    declaration = face.group(1)
    assert f'font-family: "{FONT_FAMILY}"' in declaration
    assert f'url("../{FONT_FILE}") format("woff2")' in declaration
    declared = re.search(r"unicode-range:\s*([^;]+);", declaration).group(1).strip()
    assert declared == unicode_range()
    assert "U+3BBE" in declared.split(", ")  # 㮾 of 㮾梨街道
    assert re.search(rf'body\s*\{{[^}}]*font-family:\s*"{FONT_FAMILY}",', css), "first in the body's stack"


def test_the_rare_character_font_is_served_small_with_a_glyph_for_each_character(client, tmp_path):
    response = client.get(f"/static/{FONT_FILE}")
    assert response.status_code == 200
    assert response.mimetype in ("font/woff2", "application/font-woff2")
    data = response.get_data()
    assert data[:4] == b"wOF2" and len(data) < 10_000
    (tmp_path / "font.woff2").write_bytes(data)
    cmap = TTFont(str(tmp_path / "font.woff2")).getBestCmap()
    assert 0x3BBE in cmap
    assert set(cmap) == {ord(c) for c in RARE_CHARACTERS}, "nothing but the declared characters"
    licence = (ROOT / "static" / "fonts" / "OFL.txt").read_text(encoding="utf-8")
    assert "SIL OPEN FONT LICENSE Version 1.1" in licence and "Noto Sans CJK SC" in licence
