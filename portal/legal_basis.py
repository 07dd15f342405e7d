"""Plain words first, the law behind a disclosure (issue #30): a hint or label that cites an
article ("（第三十二条第一项）", "(Art. 32(1))") is shown without it, and the citation goes in a
"法律依据" <details> under it (templates/macros.html)."""

import re

#: An article number, in Chinese or in English.
ARTICLE = re.compile(r"第[零一二三四五六七八九十百]+条|\bArts?\.\s*\d")
_OPEN, _CLOSE = "（(", "）)"


def split(text) -> tuple[str, str]:
    """(the text without its bracketed citations, the citations joined)."""
    text = str(text or "")
    plain, cited, kept_from, depth, start = [], [], 0, 0, 0
    for index, char in enumerate(text):
        if char in _OPEN:
            start = index if depth == 0 else start
            depth += 1
        elif char in _CLOSE and depth:
            depth -= 1
            group = text[start : index + 1]
            if depth == 0 and ARTICLE.search(group):
                plain.append(text[kept_from:start])
                cited.append(group[1:-1].strip())
                kept_from = index + 1
    plain.append(text[kept_from:])
    shown = re.sub(r"\s+([。.,，;；:：])", r"\1", "".join(plain)).strip()
    joiner = "；" if any(ARTICLE.match(c) or "第" in c for c in cited) else "; "
    return shown, joiner.join(cited)
