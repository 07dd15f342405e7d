"""Links of report figures to the queues they count, built without routing each one."""

import re
from urllib.parse import quote_plus

from flask import current_app, g, url_for

#: What werkzeug leaves unquoted in a query string (`werkzeug.urls._urlencode`).
_QUERY_SAFE = "!$'()*,/:;?@"
#: Text that quoting leaves as it is (most of a figure's arguments: tabs, days, codes).
_PLAIN = re.compile(r"[A-Za-z0-9_.~-]*\Z")


def _quoted(text: str) -> str:
    return text if _PLAIN.match(text) else quote_plus(text, safe=_QUERY_SAFE)


def queue_link(slug: str, args: dict[str, str]) -> str:
    """`url_for("backoffice.queue_page", slug=slug, **args)`, routed once per kind and
    request (a report links some hundred figures, and url_for was a tenth of the page):
    the queue's own URL, then the arguments encoded as werkzeug encodes them."""
    bases = g.setdefault("report_queue_links", {})
    if (base := bases.get(slug)) is None:
        base = bases[slug] = url_for("backoffice.queue_page", slug=slug)
    if not args:
        return base
    items = args.items()
    if current_app.url_map.sort_parameters:
        items = sorted(items, key=current_app.url_map.sort_key)
    return base + "?" + "&".join(f"{_quoted(name)}={_quoted(str(value))}" for name, value in items)


def with_argument(url: str, name: str, value: str) -> str:
    """`url` (made by url_for) with one more query argument, quoted as url_for quotes it:
    `url_for(endpoint, **args, name=value)` from `url_for(endpoint, **args)`, so that a list
    of links routes once."""
    return f"{url}{'&' if '?' in url else '?'}{_quoted(name)}={_quoted(value)}"
