"""The articles of the Legal Aid Law a document cites, written out for its reader, and
what the 公函 rests on and whom it is addressed to (SPEC §3: documents cite the case).

An article is (number, item, paragraph): (48, 5, 1) is 第四十八条第一款第五项, (25, None, 2)
第二十五条第二款, (36, None, None) 第三十六条.
"""

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from portal.legal_aid.matters import AUTHORITIES, CRIMINAL_DEFENCE, CRIMINAL_MATTERS, NO_AUTHORITY

_DIGITS = "零一二三四五六七八九"
_PARAGRAPHS = "零一二三四五"

#: Why an application is refused: each rests on its own articles (see refusal_articles).
OUT_OF_SCOPE, NOT_HARDSHIP, OTHER_REFUSAL = "out_of_scope", "not_hardship", "other"
REFUSAL_GROUNDS = {
    OUT_OF_SCOPE: _l("The matter is not one legal aid covers (Arts. 24, 29, 31)"),
    NOT_HARDSHIP: _l("The economic hardship standard is not met (Arts. 34, 41)"),
    OTHER_REFUSAL: _l("Another reason, given below"),
}

#: A notice's ground -> the article (and item, paragraph) of the Legal Aid Law it rests on.
NOTICE_ARTICLES = {
    "minor": (25, 1, 1),
    "sensory_disability": (25, 2, 1),
    "mental_illness": (25, 3, 1),
    "life_or_death": (25, 4, 1),
    "death_review": (25, 5, 1),
    "absentia": (25, 6, 1),
    "ordinary_trial": (25, None, 2),
    "compulsory_treatment": (28, None, None),
}


def chinese_number(n: int) -> str:
    """1-99 in Chinese numerals, as articles are numbered (二十四, 四十八)."""
    tens, ones = divmod(n, 10)
    head = "" if tens == 0 else ("十" if tens == 1 else _DIGITS[tens] + "十")
    return head + (_DIGITS[ones] if ones else "")


def _article(entry) -> tuple[int, int | None, int | None]:
    number, item, paragraph = (tuple(entry) + (None, None))[:3]
    if item and not paragraph:
        paragraph = 1
    return number, item, paragraph


def cite(cited) -> str:
    """The articles in the reader's language: 《中华人民共和国法律援助法》第三十一条、第四十三条."""
    cited = sorted(_article(e) for e in cited)
    if str(get_locale() or "").startswith("zh"):
        parts = [
            f"第{chinese_number(n)}条"
            + (f"第{_PARAGRAPHS[para]}款" if para and (item or para > 1) else "")
            + (f"第{chinese_number(item)}项" if item else "")
            for n, item, para in cited
        ]
        return "《中华人民共和国法律援助法》" + "、".join(parts)
    parts = [
        str(n) + (f"({item})" if item else "") + (f", para. {para}" if para and para > 1 else "")
        for n, item, para in cited
    ]
    if len(parts) == 1:
        return str(_l("Legal Aid Law of the People's Republic of China, Art. %(article)s", article=parts[0]))
    return str(
        _l(
            "Legal Aid Law of the People's Republic of China, Arts. %(articles)s and %(last)s",
            articles=", ".join(parts[:-1]),
            last=parts[-1],
        )
    )


def matter_article(application) -> int:
    """Art. 24 a defence, 29 other criminal parties, 31 civil and administrative matters."""
    matter = application.matter_type
    return 24 if matter == CRIMINAL_DEFENCE else 29 if matter in CRIMINAL_MATTERS else 31


def refusal_articles(application) -> list[tuple] | None:
    """A refusal on a named ground cites that ground's articles (None: cite the case)."""
    ground = getattr(application, "refusal_ground", None)
    if ground == OUT_OF_SCOPE:
        return [(matter_article(application),), (43,)]
    if ground == NOT_HARDSHIP:
        return [(34,), (41,), (43,)]
    return None


def letter_articles(application) -> str:
    """The articles the 公函 rests on: a notice its ground's article and Art. 36 (the centre
    assigns within 3 days of the notice); an application the matter's article and Art. 43
    (the centre assigns within 3 days of its decision)."""
    if application.source == "notice":
        ground = NOTICE_ARTICLES.get(application.notice_ground or "", (25, None, None))
        return cite([ground, (36,)])
    return cite([(matter_article(application),), (43,)])


def letter_addressee(application, authority_party=None) -> str:
    """The 公函 goes to the authority handling the case: the notifying authority by name,
    else the kind of authority the application named; with none yet, to the person aided."""
    if authority_party is not None and authority_party.name:
        return authority_party.name
    if application.notice_authority:
        return application.notice_authority
    kind = application.handling_authority
    if kind and kind != NO_AUTHORITY and kind in AUTHORITIES:
        return str(AUTHORITIES[kind])
    return application.represented_name or application.applicant_name
