"""The password rule (SPEC §11): long enough, not breached or common, not the account's own.

A password is refused when it, or its core, is on a list: the core is what is left when
a run of digits and symbols before or after it is taken away (woaini1314520 → woaini,
Admin@12345 → admin), read also with leet undone (p@ssw0rd → password). Two lists, both
shipped (no download, no network): breached-passwords.txt.gz (19,640 breached passwords,
Django's, licence in password_lists/LICENSE) and the portal's own chinese-and-common.txt.
"""

import gzip
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l

LISTS = Path(__file__).with_name("password_lists")
BREACHED_LIST = LISTS / "breached-passwords.txt.gz"
OWN_LIST = LISTS / "chinese-and-common.txt"
BREACHED_LICENCE = LISTS / "LICENSE"
#: A core shorter than this is not looked up (a 3-letter word with 7 digits is not common).
MIN_CORE = 4
#: A personal word (mobile, username, ID number) shorter than this is not compared.
MIN_PERSONAL = 4
EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")
LEET = str.maketrans(
    {"@": "a", "4": "a", "0": "o", "1": "i", "!": "i", "3": "e", "$": "s", "5": "s", "7": "t"}
)


@cache
def breached_passwords() -> frozenset[str]:
    """Both lists, lower case."""
    with gzip.open(BREACHED_LIST, "rt", encoding="utf-8") as breached:
        words = {line.strip().lower() for line in breached}
    own = OWN_LIST.read_text(encoding="utf-8").splitlines()
    words |= {line.strip().lower() for line in own if line.strip() and not line.startswith("#")}
    words.discard("")
    return frozenset(words)


def _cores(password: str) -> set[str]:
    """The password and its cores, as typed and with leet undone."""
    whole = password.strip().lower()
    found = {whole, whole.translate(LEET)}
    core = EDGES.sub("", whole)
    if len(core) >= MIN_CORE:
        found |= {core, EDGES.sub("", whole.translate(LEET)) or core}
        # Leet inside the core only (p@ssw0rd2026 → p@ssw0rd → password).
        found.add(core.translate(LEET))
    return found


def is_common(password: str) -> bool:
    return bool(_cores(password) & breached_passwords()) or len(set(password)) < 3


def _compact(text: str) -> str:
    return re.sub(r"[\s\-_.]", "", text.lower())


def is_personal(password: str, personal: Iterable[str | None]) -> bool:
    """The password holds one of the account's own words, or is a piece of one (ten digits
    of the ID number are its birth date)."""
    typed = _compact(password)
    for word in personal:
        word = _compact(word or "")
        if len(word) >= MIN_PERSONAL and (word in typed or typed in word):
            return True
    return False


def password_problem(password: str, personal: Iterable[str | None] = ()):
    """Why `password` is refused, or None: the one rule of the forms and `create-user`.
    `personal`: the account's mobile, username, ID number, where known."""
    if len(password) < current_app.config.get("PASSWORD_MIN_LENGTH", 10):
        return _l("Use at least 10 characters.")
    if is_personal(password, personal):
        return _l("Do not use your mobile number, username or ID number in the password.")
    if is_common(password):
        return _l("This password is too common: choose another one.")
    return None
