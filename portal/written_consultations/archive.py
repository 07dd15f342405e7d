"""The public archive's search: character bigrams (and single characters) of Chinese text,
lower-cased words of other text, stored as tokens in an indexed table, so that 工资 or
离婚 is found anywhere in a question or answer on SQLite and PostgreSQL alike."""

import re

from sqlalchemy import bindparam, delete, func, select

from portal.core.clock import local_today
from portal.extensions import db
from portal.reports.built import built_once
from portal.written_consultations.models import ArchiveToken, ArchiveUse, WrittenQuestion

HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
WORD = re.compile(r"[0-9a-z]+")
MAX_QUERY_TOKENS = 12


def tokens(text: str) -> set[str]:
    """Every token of a text: each Chinese character and each pair of adjacent ones."""
    text = (text or "").lower()
    found: set[str] = set()
    for run in HAN.findall(text):
        found.update(run)
        found.update(run[i : i + 2] for i in range(len(run) - 1))
    found.update(w[:40] for w in WORD.findall(text))
    return found


def query_tokens(query: str) -> set[str]:
    """What a query must match: the bigrams of each Chinese run (a single character alone),
    and its words."""
    query = (query or "").lower()
    wanted: set[str] = set()
    for run in HAN.findall(query):
        wanted.update({run} if len(run) == 1 else {run[i : i + 2] for i in range(len(run) - 1)})
    wanted.update(w[:40] for w in WORD.findall(query))
    return set(sorted(wanted)[:MAX_QUERY_TOKENS])


def index(question: WrittenQuestion) -> None:
    """(Re)write the tokens of a published question from its reviewed text only."""
    db.session.execute(delete(ArchiveToken).where(ArchiveToken.question_id == question.id))
    for token in tokens(f"{question.public_question}\n{question.public_answer}"):
        db.session.add(ArchiveToken(question_id=question.id, token=token))


def unindex(question: WrittenQuestion) -> None:
    db.session.execute(delete(ArchiveToken).where(ArchiveToken.question_id == question.id))


def published():
    """The archive: consented, marked suitable, approved by a reviewer, not withdrawn."""
    return select(WrittenQuestion).where(
        WrittenQuestion.consent_to_publish.is_(True),
        WrittenQuestion.suitable.is_(True),
        WrittenQuestion.published_at.is_not(None),
        WrittenQuestion.withdrawn_at.is_(None),
    )


def search(query: str = "", topic: str = "", limit: int = 50) -> list[WrittenQuestion]:
    """Published answers matching every token of the query (all of them without one), newest first."""
    statement = published()
    wanted = query_tokens(query)
    if (query or "").strip() and not wanted:
        return []
    if wanted:
        matching = (
            select(ArchiveToken.question_id)
            .where(ArchiveToken.token.in_(wanted))
            .group_by(ArchiveToken.question_id)
            .having(func.count(func.distinct(ArchiveToken.token)) == len(wanted))
        )
        statement = statement.where(WrittenQuestion.id.in_(matching))
    if topic:
        statement = statement.where(WrittenQuestion.topic == topic)
    found = list(db.session.scalars(statement.order_by(WrittenQuestion.published_at.desc()).limit(limit * 2)))
    # Bigrams all present does not mean the phrase is: keep those that hold it as typed.
    phrases = [p for p in re.split(r"\s+", (query or "").lower()) if p]
    return [q for q in found if all(p in f"{q.public_question}\n{q.public_answer}".lower() for p in phrases)][
        :limit
    ]


#: A question shares at least this many bigrams with a published one to be shown as similar.
SIMILAR_MIN_SHARED = 2
SIMILAR_MAX_TOKENS = 300


def similar(text: str, limit: int = 3) -> list[WrittenQuestion]:
    """The published answers sharing the most bigrams (words) with `text`, best first,
    read from the token index: shown before a question is sent (it may be answered)."""
    wanted = sorted(t for t in tokens(text) if len(t) > 1)[:SIMILAR_MAX_TOKENS]
    if not wanted:
        return []
    shared = func.count(func.distinct(ArchiveToken.token)).label("shared")
    ranked = (
        select(ArchiveToken.question_id, shared)
        .where(ArchiveToken.token.in_(wanted))
        .group_by(ArchiveToken.question_id)
        .having(func.count(func.distinct(ArchiveToken.token)) >= SIMILAR_MIN_SHARED)
        .subquery()
    )
    statement = (
        published()
        .join(ranked, ranked.c.question_id == WrittenQuestion.id)
        .order_by(ranked.c.shared.desc(), WrittenQuestion.published_at.desc())
        .limit(limit)
    )
    return list(db.session.scalars(statement))


#: What the archive's use counts (figures): its page, a search on it, similar answers shown.
USES = ("view", "search", "similar")


def count_use(what: str) -> None:
    """Add one to today's count of `what` (an UPDATE, or the day's first row): no one's
    identity nor what they typed is kept, only how often."""
    from sqlalchemy import update
    from sqlalchemy.exc import IntegrityError

    today = local_today()
    bump = update(ArchiveUse).where(ArchiveUse.day == today, ArchiveUse.what == what)
    if db.session.execute(bump.values(count=ArchiveUse.count + 1)).rowcount:
        return
    try:
        with db.session.begin_nested():
            db.session.add(ArchiveUse(day=today, what=what, count=1))
    except IntegrityError:  # another request wrote the day's row first
        db.session.execute(bump.values(count=ArchiveUse.count + 1))


def uses_between(first, last) -> dict[str, int]:
    """{what: count} of the archive's use between two local days."""
    query = built_once(
        "archive_uses_between",
        lambda: (
            select(ArchiveUse.what, func.sum(ArchiveUse.count))
            .where(ArchiveUse.day >= bindparam("first"), ArchiveUse.day <= bindparam("last"))
            .group_by(ArchiveUse.what)
        ),
    )
    rows = db.session.execute(query, {"first": first, "last": last}).all()
    found = {what: int(n or 0) for what, n in rows}
    return {what: found.get(what, 0) for what in USES}
