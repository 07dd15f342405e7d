"""Government site furniture (SPEC §11): the site's owner and filings from settings, the
privacy policy, accessibility statement and site map, the favicon, and elderly mode.

These pages are shared by every capability (none of them names one: the site map lists
the capabilities' own navigation links) and carry no personal data, so they are
`@public_page`.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, make_response, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from portal.core.pages import public_page
from portal.core.site_requests import remember_elderly, sent_from_this_site
from portal.extensions import csrf
from portal.safe_urls import safe_next_url

bp = Blueprint("site", __name__)

#: Where the filing numbers are looked up (the links every Chinese site's footer carries).
ICP_LOOKUP = "https://beian.miit.gov.cn/"
PUBLIC_SECURITY_LOOKUP = "https://beian.mps.gov.cn/#/query/webSearch?code={code}"


@dataclass(frozen=True)
class SiteFurniture:
    owner: str
    contact_phone: str
    contact_address: str
    identifier: str
    icp_filing: str
    public_security_filing: str
    bureau_mark: str
    hotline: str

    @property
    def public_security_url(self) -> str:
        code = "".join(c for c in self.public_security_filing if c in "0123456789")
        return PUBLIC_SECURITY_LOOKUP.format(code=code)

    @property
    def icp_url(self) -> str:
        return ICP_LOOKUP


def site_furniture(config) -> SiteFurniture:
    return SiteFurniture(
        owner=config["SITE_OWNER"],
        contact_phone=config["SITE_CONTACT_PHONE"],
        contact_address=config["SITE_CONTACT_ADDRESS"],
        identifier=config["SITE_IDENTIFIER"],
        icp_filing=config["ICP_FILING"],
        public_security_filing=config["PUBLIC_SECURITY_FILING"],
        bureau_mark=config["BUREAU_MARK"],
        hotline=config["COUNTY_HOTLINE"],
    )


@bp.get("/privacy")
@public_page
def privacy():
    """The privacy policy (隐私政策)."""
    return render_template("public/privacy.html")


@bp.get("/accessibility")
@public_page
def accessibility():
    """The accessibility statement (无障碍声明)."""
    return render_template("public/accessibility.html")


@bp.get("/sitemap")
@public_page
def site_map():
    """Every public page, from the enabled capabilities' navigation and the shared pages."""
    return render_template("public/site_map.html")


@bp.get("/favicon.ico")
@public_page
def favicon():
    """Browsers and bookmarks that ignore <link rel="icon"> ask for /favicon.ico."""
    return redirect(url_for("static", filename="favicon.ico"), 301)


@bp.post("/display/elderly")
@csrf.exempt
def elderly_mode() -> ResponseReturnValue:
    """Turn elderly mode (长辈版: larger text and spacing) on or off, and go back.

    Its button is on every page, including the shared-cacheable public pages, which must
    carry no per-session token (tests/test_private_pages.py); so instead of Flask-WTF's
    token it checks that the form was sent from this site (Origin, else Referer), and
    refuses anything else as a refused CSRF token is refused. It changes nothing on the
    server, only a display preference cookie of the browser that sends it; it is a POST so
    that no prefetch or crawler flips it.
    """
    if not sent_from_this_site():
        raise CSRFError("elderly mode: the form was not sent from this site")  # shown as the CSRF page
    response = make_response(redirect(safe_next_url(request.form.get("next"), "public.home"), 303))
    return remember_elderly(response, request.form.get("on") == "1")
