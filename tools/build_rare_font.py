"""Regenerate static/fonts/rare-cjk.woff2: the few characters common phone fonts miss.

Place names of the county use characters outside the set every phone font covers, e.g.
㮾 (U+3BBE, CJK Extension A) of 㮾梨街道, which many Android and older iOS fonts draw as
an empty box. The portal's stylesheet declares this small subset of Noto Sans CJK SC
(SIL Open Font License 1.1) with `unicode-range` for exactly these characters, so a
browser downloads it only on a page that shows one of them and every other character
keeps the device's own font.

Run with the project's venv (needs fontTools and brotli, and Debian's fonts-noto-cjk):

    .venv/bin/python tools/build_rare_font.py

It rewrites the font and its licence text (static/fonts/OFL.txt); commit both. To add a
character, add it to RARE_CHARACTERS and run the script again (portal/templating.py reads
the same list for the `unicode-range`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from portal.public.rare_font import FONT_FILE, RARE_CHARACTERS  # noqa: E402

SOURCE = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
SOURCE_FAMILY = "Noto Sans CJK SC"
DEBIAN_COPYRIGHT = Path("/usr/share/doc/fonts-noto-cjk/copyright")


def licence_text() -> str:
    """The OFL 1.1 text as Debian ships it with the font, with the font's copyright line."""
    text = DEBIAN_COPYRIGHT.read_text(encoding="utf-8")
    block = text.split("License: SIL-1.1\n", 2)[-1]
    lines = []
    for line in block.splitlines():
        if line and not line.startswith(" "):
            break
        lines.append("" if line.strip() == "." else line[1:])
    return (
        "static/fonts/rare-cjk.woff2 is a subset of Noto Sans CJK SC (Regular),\n"
        "Copyright 2014-2021 Adobe (http://www.adobe.com/), with Reserved Font Name 'Source'.\n"
        "Noto is a trademark of Google Inc. Made by tools/build_rare_font.py from Debian's fonts-noto-cjk.\n\n"
        + "\n".join(lines).strip()
        + "\n"
    )


def main() -> None:
    from fontTools import subset
    from fontTools.ttLib import TTCollection

    collection = TTCollection(str(SOURCE))
    font = next(f for f in collection.fonts if f["name"].getDebugName(4) == SOURCE_FAMILY)
    options = subset.Options()
    options.flavor = "woff2"
    options.hinting = False
    options.layout_features = []
    options.name_IDs = [0, 1, 2, 3, 4, 5, 6, 13, 14]
    options.notdef_outline = False
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(RARE_CHARACTERS))
    subsetter.subset(font)
    missing = [c for c in RARE_CHARACTERS if ord(c) not in font.getBestCmap()]
    if missing:
        raise SystemExit(f"{SOURCE_FAMILY} has no glyph for {missing}")
    target = ROOT / "static" / FONT_FILE
    target.parent.mkdir(parents=True, exist_ok=True)
    font.flavor = "woff2"
    font.save(str(target))
    (target.parent / "OFL.txt").write_text(licence_text(), encoding="utf-8")
    print(f"{target.relative_to(ROOT)}: {target.stat().st_size} bytes, {len(RARE_CHARACTERS)} character(s)")


if __name__ == "__main__":
    if not re.fullmatch(r"\S+", "".join(RARE_CHARACTERS)):
        raise SystemExit("RARE_CHARACTERS must be single characters")
    main()
