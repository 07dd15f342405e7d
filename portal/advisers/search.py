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

from dataclasses import dataclass

from sqlalchemy import and_, case, column, select, table, text

from portal.advisers.models import DirectoryEntry
from portal.core.search_keys import (  # noqa: F401  (the directory's key vocabulary, re-exported)
    SEP,
    TOWNSHIP_SUFFIXES,
    UNSAFE,
    VARIANTS,
    VILLAGE_SUFFIXES,
    join_keys,
    name_keys,
    normalise,
    short_name,
    township_keys,
)
from portal.extensions import db

MAX_QUERY = 40
#: SQLite's FTS5 trigram table over DirectoryEntry (created by migration 0002_advisers).
FTS = table("directory_fts", column("rowid"), column("directory_fts"))


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
        return DirectoryEntry.village_id.in_(
            select(FTS.c.rowid).where(FTS.c.directory_fts.op("MATCH")(phrase))
        )
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
        .order_by(
            text("rank"),
            DirectoryEntry.township_order,
            DirectoryEntry.village_name,
            DirectoryEntry.village_id,
        )
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
