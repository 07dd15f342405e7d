"""Where a "next" address may send a browser: only to a page of this site (used by the
language switch, sign-in and staff forms; it imports nothing of the portal)."""

from urllib.parse import urlsplit

from flask import url_for


def safe_next_url(target: str | None, fallback_endpoint: str) -> str:
    """Return `target` when it stays on this site, else the fallback page."""
    if target:
        parts = urlsplit(target)
        if (
            not parts.scheme
            and not parts.netloc
            and target.startswith("/")
            and not target.startswith("//")
            and "\\" not in target
        ):
            return target
    return url_for(fallback_endpoint)
