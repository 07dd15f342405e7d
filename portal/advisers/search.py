"""The directory search: keys in characters and pinyin, and an index lookup to find them.

Every village has one DirectoryEntry whose key columns read "||星沙街道||星沙||xingshajiedao||
xingsha||xsjd||xs||". A query is looked up through the trigram index (FTS5 on SQLite,
pg_trgm on PostgreSQL) and never by reading every row; trigrams need 3 characters, so:

- 3 characters or more: the keys that contain it;
- 2 characters, or 1 Chinese character: the keys that start with it ("||xs", "||陈");
- 1 letter or digit: the keys equal to it ("||x||").

Results rank exact matches first (village, then adviser, then township), then prefixes,
then the rest; ties go by the township's order and the village name.
"""

import re
from dataclasses import dataclass

from sqlalchemy import and_, case, column, select, table, text

from portal.advisers.models import DirectoryEntry
from portal.extensions import db

#: Variant characters folded to one spelling, in the keys and in queries (㮾梨 = 榔梨).
VARIANTS = str.maketrans({"㮾": "榔"})
VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")
TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
#: Never part of a key or a query: the key separator and LIKE / FTS5 syntax.
UNSAFE = re.compile(r"[|%_\\\"'*^:()\[\]{}]")
MAX_QUERY = 40
SEP = "||"
#: SQLite's FTS5 trigram table over DirectoryEntry (created by migration 0002_advisers).
FTS = table("directory_fts", column("rowid"), column("directory_fts"))


def normalise(value: str) -> str:
    """Lower case, variants folded, separators and spaces removed."""
    return UNSAFE.sub("", "".join((value or "").split())).translate(VARIANTS).lower()


def short_name(name: str, suffixes: tuple[str, ...]) -> str | None:
    """The name without its generic ending (星沙街道 → 星沙), when two characters remain."""
    for suffix in suffixes:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return None


def name_keys(name: str, suffixes: tuple[str, ...] = ()) -> list[str]:
    """The name, its short form, and both in pinyin (full and initials)."""
    # pypinyin's dictionaries take ~55 MB: import them only where keys are built (writes),
    # not in every worker that only serves pages.
    from pypinyin import Style, lazy_pinyin

    forms = [name]
    if suffixes and (short := short_name(name, suffixes)):
        forms.append(short)
    keys = []
    for form in forms:
        folded = normalise(form)
        syllables = [normalise(s) for s in lazy_pinyin(form, errors="default")]
        initials = [normalise(s) for s in lazy_pinyin(form, style=Style.FIRST_LETTER, errors="default")]
        keys += [folded, "".join(syllables), "".join(initials)]
    unique = []
    for key in keys:
        if key and key not in unique:
            unique.append(key)
    return unique


def join_keys(keys: list[str]) -> str:
    # Keys are fenced with "||", so that "||" + one character is already a trigram.
    return SEP + SEP.join(keys) + SEP if keys else SEP


def township_keys(township) -> str:
    keys = name_keys(township.name, TOWNSHIP_SUFFIXES)
    if township.alias:
        keys += [k for k in name_keys(township.alias, TOWNSHIP_SUFFIXES) if k not in keys]
    return join_keys(keys)


def village_keys(village) -> str:
    return join_keys(name_keys(village.name, VILLAGE_SUFFIXES))


def adviser_keys(adviser) -> str:
    return join_keys(name_keys(adviser.name)) if adviser is not None else SEP


@dataclass(frozen=True)
class Hit:
    village_id: int
    rank: int


def is_han(char: str) -> bool:
    return char >= "\u2e80"


def pattern_for(term: str) -> str:
    """The substring the index looks up for a term (always 3 characters or more)."""
    if len(term) >= 3:
        return term  # contains
    if len(term) == 2 or is_han(term):
        return SEP + term  # starts with: 陈 finds 陈明, xs finds xs and xsjd
    return SEP + term + SEP  # a single letter: only a key equal to it


def _like(column, substring: str):
    return column.like("%" + substring + "%")


def _index_clause(substring: str):
    """A WHERE clause the trigram index answers."""
    if db.engine.dialect.name == "sqlite":
        phrase = '"' + substring.replace('"', '""') + '"'
        return DirectoryEntry.village_id.in_(select(FTS.c.rowid).where(FTS.c.directory_fts.op("MATCH")(phrase)))
    return _like(DirectoryEntry.document(), substring)


def rank_expression(term: str):
    """0-2 exact (village, adviser, township), 3-5 prefix, 6-8 contains."""
    key_columns = (DirectoryEntry.village_keys, DirectoryEntry.adviser_keys, DirectoryEntry.township_keys)
    whens = []
    for level, probe in enumerate((SEP + term + SEP, SEP + term, term)):
        for offset, key_column in enumerate(key_columns):
            whens.append((_like(key_column, probe), level * 3 + offset))
    return case(*whens, else_=9)


def query_terms(q: str) -> list[str]:
    terms = [normalise(part) for part in (q or "")[:MAX_QUERY].split()]
    return [t for t in terms if t][:4]


def search_query(q: str, *, limit: int = 30, offset: int = 0):
    """The SELECT of village ids and ranks for a query, or None when it has no terms."""
    terms = query_terms(q)
    if not terms:
        return None
    clauses = [_index_clause(pattern_for(term)) for term in terms]
    rank = rank_expression(terms[0]).label("rank")
    return (
        select(DirectoryEntry.village_id, rank)
        .where(and_(*clauses))
        .order_by(text("rank"), DirectoryEntry.township_order, DirectoryEntry.village_name, DirectoryEntry.village_id)
        .limit(limit)
        .offset(offset)
    )


def search(q: str, *, limit: int = 30, offset: int = 0) -> tuple[list[Hit], bool]:
    """Village ids matching every term, best first, and whether more follow."""
    query = search_query(q, limit=limit + 1, offset=offset)
    if query is None:
        return [], False
    rows = db.session.execute(query).all()
    return [Hit(village_id, r) for village_id, r in rows[:limit]], len(rows) > limit
