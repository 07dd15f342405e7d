"""What may identify someone in a text meant for the public archive: the reviewer sees
each finding and must edit it out before approving."""

import re

from flask_babel import lazy_gettext as _l

ID_NUMBER = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)|(?<!\d)\d{15}(?!\d)")
MOBILE = re.compile(r"(?<!\d)1[3-9]\d(?:[\s-]?\d{4}){2}(?!\d)")
#: A house number, room or building in an address (e.g. 12号, 3栋, 501室).
ADDRESS = re.compile(r"\d+\s*(?:号|栋|幢|单元|室|楼)|(?:路|街|巷|村|小区)\d+")
#: A document number an answer cites (法释〔2020〕22号, 国务院令第586号): not an address.
CITATION = re.compile(r"〔\d{4}〕\s*第?\s*\d+\s*号|第\s*\d+\s*号")


def findings(text: str, asker_name: str | None = None) -> list:
    """Translated reasons the text may identify someone; empty when none is found."""
    found = []
    if ID_NUMBER.search(text or ""):
        found.append(_l("It contains what looks like an ID number."))
    if MOBILE.search(text or ""):
        found.append(_l("It contains what looks like a mobile number."))
    name = (asker_name or "").strip()
    if len(name) >= 2 and name in (text or ""):
        found.append(_l("It contains the asker's name."))
    if ADDRESS.search(CITATION.sub("", text or "")):
        found.append(_l("It contains what looks like an address."))
    return found
