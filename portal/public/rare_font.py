"""The characters common phone fonts miss, served from a small subset web font.

static/fonts/rare-cjk.woff2 (made by tools/build_rare_font.py) holds exactly these, and
the stylesheet's @font-face declares it with a `unicode-range` of exactly these, so no
other character ever falls back to it.
"""

#: 㮾 (U+3BBE, CJK Extension A) of 㮾梨街道 and 㮾梨社区.
RARE_CHARACTERS: tuple[str, ...] = ("㮾",)

FONT_FILE = "fonts/rare-cjk.woff2"
FONT_FAMILY = "Portal Rare CJK"


def unicode_range() -> str:
    """The CSS `unicode-range` value: U+3BBE, ..."""
    return ", ".join(f"U+{ord(c):04X}" for c in sorted(RARE_CHARACTERS))
