"""Documents: PDFs of printable pages (WeasyPrint, static files from disk only, a CJK font
that covers Extension A) and Excel workbooks (real dates and numbers, frozen header, widths)."""

import io
import re
import shutil
import socket
import subprocess
from datetime import date, datetime

import pytest
from openpyxl import load_workbook

from portal.config import PROJECT_ROOT
from portal.core import documents
from portal.core.documents import Sheet, render_pdf, static_file_fetcher, static_file_for, xlsx_bytes

LANGLI = "㮾梨街道"  # 㮾 is U+3BBE, CJK Unified Ideographs Extension A
EXTENSION_A = 0x3BBE
DOCUMENT_CSS = PROJECT_ROOT / "static" / "css" / "document.css"


def fonts_with(codepoint: int) -> list[str]:
    """The installed fonts (fontconfig) that have a glyph for `codepoint`."""
    if not shutil.which("fc-list"):
        return []
    listed = subprocess.run(["fc-list", f":charset={codepoint:x}", "family"], capture_output=True, text=True)
    return [line for line in listed.stdout.splitlines() if line.strip()]


def named_font_family() -> str:
    """The first family document.css names for the body text."""
    match = re.search(r'html, body \{ font-family: "([^"]+)"', DOCUMENT_CSS.read_text(encoding="utf-8"))
    assert match, "document.css names no font family for html, body"
    return match.group(1)


def original_bytes(string) -> bytes:
    """The raw bytes of a PDF string operand (pypdf decodes some as text)."""
    return string.get_original_bytes() if hasattr(string, "get_original_bytes") else bytes(string)


def to_unicode(font) -> dict[int, str]:
    """Glyph id -> text, from a WeasyPrint font's ToUnicode CMap (bfchar and bfrange)."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    mapping: dict[int, str] = {}
    for block in re.findall(r"beginbfchar(.*?)endbfchar", cmap, re.S):
        for gid, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            mapping[int(gid, 16)] = bytes.fromhex(text).decode("utf-16-be")
    for block in re.findall(r"beginbfrange(.*?)endbfrange", cmap, re.S):
        for start, end, text in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
            first = int.from_bytes(bytes.fromhex(text), "big")
            for offset, gid in enumerate(range(int(start, 16), int(end, 16) + 1)):
                mapping[gid] = chr(first + offset)
    return mapping


def glyphs_drawn(pdf: bytes):
    """(font dict, glyph id, text) for every glyph the first page draws."""
    from pypdf import PdfReader
    from pypdf.generic import ContentStream

    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    fonts = {name: ref.get_object() for name, ref in page["/Resources"]["/Font"].items()}
    maps = {name: to_unicode(font) for name, font in fonts.items()}
    current = None
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            current = operands[0]
        elif operator in (b"Tj", b"TJ"):
            strings = operands[0] if operator == b"TJ" else operands
            for string in strings:
                if isinstance(string, (int, float)) or type(string).__name__ in (
                    "NumberObject",
                    "FloatObject",
                ):
                    continue
                raw = original_bytes(string)
                for i in range(0, len(raw), 2):  # Identity-H: two bytes per glyph
                    gid = int.from_bytes(raw[i : i + 2], "big")
                    yield fonts[current], gid, maps[current].get(gid, "")


def system_font_file(family: str) -> tuple[str, int]:
    """The font file (and its index in a collection) fontconfig gives for `family`."""
    found = subprocess.run(
        ["fc-match", "-f", "%{family}\n%{file}\n%{index}", family], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert family in found[0].split(","), f"fontconfig has no {family!r}, it offers {found[0]!r}"
    return found[1], int(found[2] or 0)


def extract_text(pdf: bytes) -> str:
    from pypdf import PdfReader

    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


@pytest.mark.skipif(
    not fonts_with(EXTENSION_A),
    reason="no installed font covers CJK Extension A (U+3BBE 㮾): "
    "install Debian's fonts-noto-cjk (`make browsers` or .ci/run do it as root)",
)
def test_cjk_extension_a_is_drawn_with_the_named_font_and_no_glyph_is_missing(app):
    from fontTools.ttLib import TTFont

    family = named_font_family()
    with app.test_request_context("/"):
        pdf = render_pdf(f'<!doctype html><html lang="zh-Hans"><body><p>{LANGLI}（长沙县）</p></body></html>')
    drawn = list(glyphs_drawn(pdf))
    assert drawn, "the PDF draws no text"
    assert all(gid != 0 for _font, gid, _text in drawn), "a glyph is missing (.notdef drawn)"
    for char in LANGLI:
        fonts = [font for font, _gid, text in drawn if text == char]
        assert fonts, f"{char} is not in the PDF's text"
        for font in fonts:
            descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
            # The font document.css names drew it (not a fallback that happened to be there) ...
            assert str(descriptor["/FontFamily"]) == family, (char, font["/BaseFont"])
            # ... the subset embedded in the PDF maps the character to a glyph ...
            program = (descriptor.get("/FontFile3") or descriptor.get("/FontFile2")).get_object().get_data()
            embedded = TTFont(io.BytesIO(program)).getBestCmap()
            assert embedded.get(ord(char)) not in (None, ".notdef"), (char, font["/BaseFont"])
    # ... and the installed font file really covers Extension A.
    path, index = system_font_file(family)
    with TTFont(path, fontNumber=index, lazy=True) as installed:
        assert EXTENSION_A in installed.getBestCmap(), path
    assert LANGLI in extract_text(pdf)


def test_pdf_of_a_printable_page_uses_its_template_and_reads_static_files_from_disk(app, client, monkeypatch):
    """pdf_response renders the page's own template for print: header, navigation and
    .no-print parts are left out, /static/ comes from disk and nothing is fetched over HTTP."""
    from jinja2 import ChoiceLoader, DictLoader

    page = """{% extends "base.html" %}{% block title %}Report{% endblock %}{% block content %}
      <h1>体检报告 {{ name }}</h1><p class="no-print">PRINT-BUTTON</p>
      <p>{{ 'FOR-PDF' if document_format == 'pdf' else 'FOR-SCREEN' }}</p>{% endblock %}"""
    app.jinja_env.loader = ChoiceLoader([DictLoader({"test_document.html": page}), app.jinja_env.loader])
    app.add_url_rule(
        "/test-document.pdf",
        "test_document_pdf",
        lambda: documents.pdf_response("test_document.html", "报告/2026\r\n", name=LANGLI),
    )
    read = []
    real = documents.static_file_for
    monkeypatch.setattr(documents, "static_file_for", lambda url, *a: read.append(url) or real(url, *a))

    def no_network(*_args, **_kwargs):
        raise AssertionError("rendering a document opened a network connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    response = client.get("/test-document.pdf")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf" and response.data.startswith(b"%PDF-")
    assert response.headers["Cache-Control"] == "no-store"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "\r" not in disposition and "\n" not in disposition
    assert "filename*=UTF-8''" in disposition and disposition.endswith(".pdf")
    text = extract_text(response.data)
    assert "体检报告" in text and "FOR-PDF" in text
    assert "PRINT-BUTTON" not in text and "Skip to main content" not in text and "跳到正文" not in text
    assert any(url.partition("?")[0].endswith("/static/css/portal.css") for url in read)
    assert any(url.partition("?")[0].endswith("/static/css/print.css") for url in read)
    assert any(url.partition("?")[0].endswith("/static/css/document.css") for url in read)


def test_the_fetcher_reads_static_files_and_refuses_everything_else(app):
    from weasyprint.urls import URLFetchingError, fetch

    static = PROJECT_ROOT / "static"
    base = "http://localhost/static/"
    assert static_file_for(base + "css/print.css", base, static) == static / "css" / "print.css"
    assert static_file_for(base + "css/print.css?v=2", base, static) == static / "css" / "print.css"
    refused = [
        "http://example.com/static/css/print.css",  # another host
        "https://localhost/static/css/print.css",  # another scheme
        "file:///etc/passwd",
        "http://localhost/account/login",  # a page of the portal: never HTTP to itself
        "http://localhost/static/../portal/config.py",
        "http://localhost/static/%2e%2e/portal/config.py",
        "http://localhost/static/css/",  # a folder
        "http://localhost/static/css/missing.css",
        "http://localhost/staticx/css/print.css",
    ]
    for url in refused:
        assert static_file_for(url, base, static) is None, url
    fetcher = static_file_fetcher(base, static)
    with fetch(fetcher, base + "css/print.css") as resource:
        assert resource.read() == (static / "css" / "print.css").read_bytes()
        assert resource.content_type == "text/css"
    with fetch(fetcher, "data:text/plain;base64,QUJD") as resource:
        assert resource.read() == b"ABC"
    for url in refused:
        with pytest.raises(URLFetchingError, match="DocumentResourceRefused"), fetch(fetcher, url):
            pass


def test_documents_are_based_on_the_public_address_when_it_is_set(app):
    with app.test_request_context("/", headers={"Host": "evil.example"}):
        assert documents.document_base_url() == "http://evil.example/"  # read nothing from it, though
        app.config["PUBLIC_BASE_URL"] = "https://fl.example.cn"
        assert documents.document_base_url() == "https://fl.example.cn/"
    with app.app_context():
        del app.config["PUBLIC_BASE_URL"]
        assert documents.document_base_url() == documents.OFFLINE_BASE_URL


def test_a_document_without_a_head_gets_the_document_stylesheet(app):
    linked = documents.with_document_stylesheet("<p>x</p>", "http://localhost/static/css/document.css")
    assert linked.startswith('<link rel="stylesheet" href="http://localhost/static/css/document.css">')
    page = '<html><head><link rel="stylesheet" href="/static/css/document.css" media="print"></head></html>'
    assert documents.with_document_stylesheet(page, "http://localhost/static/css/document.css") == page


def test_excel_writes_real_dates_and_numbers_a_frozen_header_and_fitted_widths(app):
    long_text = "长沙县㮾梨街道某有限责任公司劳动合同管理存在重大风险需在三十日内整改完毕"
    workbook = load_workbook(
        io.BytesIO(
            xlsx_bytes(
                [
                    Sheet(
                        "概况 Summary",
                        ["日期", "金额", "说明", "记录时间"],
                        [
                            [
                                date(2026, 3, 1),
                                12345.5,
                                long_text,
                                datetime(2026, 3, 1, 2, 30),
                            ],  # naive = stored UTC
                            [date(2026, 3, 2), 7, '=HYPERLINK("http://evil")', None],
                        ],
                    ),
                    Sheet("发现/问题[1]", ["领域", "数量"], ([f"区域{i}", i] for i in range(3))),
                    Sheet("发现/问题[1]", ["x"], []),
                ]
            )
        )
    )
    assert workbook.sheetnames == ["概况 Summary", "发现 问题 1", "发现 问题 1 2"]
    sheet = workbook["概况 Summary"]
    assert sheet.freeze_panes == "A2"
    assert [c.value for c in sheet[1]] == ["日期", "金额", "说明", "记录时间"] and sheet["A1"].font.b
    day, amount, text, moment = sheet[2]
    assert day.is_date and day.value == datetime(2026, 3, 1) and day.number_format == "yyyy-mm-dd"
    assert amount.data_type == "n" and amount.value == 12345.5
    assert sheet["B3"].data_type == "n" and sheet["B3"].value == 7
    assert text.value == long_text and text.data_type == "s"
    assert moment.is_date and moment.value == datetime(2026, 3, 1, 10, 30)  # Changsha time
    assert moment.number_format == "yyyy-mm-dd hh:mm"
    assert sheet["C3"].value == '\'=HYPERLINK("http://evil")'  # a formula stays text
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCD"}
    assert 12 <= widths["A"] <= 14  # 2026-03-01
    assert widths["C"] == documents.MAX_WIDTH  # 37 Chinese characters = 74, capped
    assert widths["D"] >= len("2026-03-01 10:30")
    assert documents.text_width(long_text) == 2 * len(long_text)
    assert documents.text_width("区域1") == 5
    second = workbook["发现 问题 1"]
    assert second.freeze_panes == "A2" and second.max_row == 4 and second["B4"].value == 2
    assert second.column_dimensions["A"].width == documents.MIN_WIDTH + 1  # 区域0 = 5, +2 padding


def test_queue_export_gets_the_frozen_header_and_widths_too(client, make_staff, make_application):
    make_staff("officer", "legal_aid_officer")
    make_application(applicant_name="欧阳建国")
    client.sign_in("officer")
    response = client.get("/staff/queue/legal-aid/export.xlsx")
    assert response.status_code == 200 and response.mimetype == documents.XLSX_MIMETYPE
    assert response.headers["Content-Disposition"].startswith("attachment;")
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["D"].width >= documents.text_width("欧阳建国") + 2
