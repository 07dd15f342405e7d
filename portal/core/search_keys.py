"""Search keys of names in characters and pinyin (星沙街道 → ||星沙街道||星沙||xingshajiedao||xsjd||...).

Townships are shared by every capability, so their keys are built here; the adviser
directory builds its village and adviser keys the same way.
"""

import re

#: Variant characters folded to one spelling, in the keys and in queries (㮾梨 = 榔梨).
VARIANTS = str.maketrans({"㮾": "榔"})
VILLAGE_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "社区", "村")
TOWNSHIP_SUFFIXES = ("街道办事处", "街道", "镇", "乡")
#: Never part of a key or a query: the key separator and LIKE / FTS5 syntax.
UNSAFE = re.compile(r"[|%_\\\"'*^:()\[\]{}]")
SEP = "||"


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
