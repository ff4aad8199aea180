"""The printable handouts: one PDF per page of the participant edition with one image per chart, one-page summary cards.

Run ``./book handouts`` first (``./book test`` does). The charts expected are counted in the participant edition's
HTML, the images are decoded from the PDFs and must not be blank.
"""

from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from PIL import Image, ImageDraw, ImageStat

from whatworks.analyses.findings import JSON_MIME, from_glue
from whatworks.paths import ROOT

SITE = ROOT / "_build" / "participant" / "html"
HANDOUTS = ROOT / "_build" / "handouts"
CARDS = ROOT / "handouts" / "cards"
LENSES = {"risks", "resilience", "triggers", "windows", "endings"}


def workshop():
    spec = importlib.util.spec_from_file_location("workshop", ROOT / "scripts" / "workshop.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def toc_pages() -> list[str]:
    from sphinx_external_toc.parsing import parse_toc_yaml

    return list(parse_toc_yaml(ROOT / "_toc.yml").keys())


def normalise(text: str) -> str:
    """Text for comparison: compatibility forms (the ligatures of PDF text), no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


def blank(image: Image.Image) -> bool:
    """True for an image without a drawing: a single colour, or almost no ink on its background."""
    if image.mode in ("RGBA", "LA", "P"):
        rgba = image.convert("RGBA")
        image = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba)
    gray = image.convert("L")
    colours = gray.getcolors(256) or []
    background = max(colours)[1] if colours else 255
    ink = sum(count for count, value in colours if abs(value - background) > 40) / (gray.width * gray.height)
    return len(colours) < 3 or ImageStat.Stat(gray).stddev[0] < 3 or ink < 0.005


def pdf_images(path: Path) -> list[Image.Image]:
    """Every distinct image drawn in a PDF (an image shown on two pages counts once)."""
    from pypdf import PdfReader

    seen, images = set(), []
    for number, page in enumerate(PdfReader(path).pages):
        for img in page.images:
            key = img.indirect_reference.idnum if img.indirect_reference is not None else (number, img.name)
            if key not in seen:
                seen.add(key)
                images.append(img.image)
    return images


def pdf_text(path: Path, first: int | None = None) -> tuple[int, str]:
    """Number of pages and the text of the first ``first`` pages (all by default; extracting text is slow)."""
    from pypdf import PdfReader

    reader = PdfReader(path)
    return len(reader.pages), "\n".join(page.extract_text() or "" for page in reader.pages[:first])


def need(path: Path) -> Path:
    if not path.is_file():
        pytest.fail(f"{path.relative_to(ROOT)} is missing: run ./book handouts")
    return path


# Unit tests (synthetic images and pages).


def test_blank_detects_empty_and_drawn_images() -> None:
    white = Image.new("RGB", (200, 100), "white")
    assert blank(white)
    assert blank(Image.new("RGBA", (200, 100), (0, 0, 0, 0)))  # transparent: white once composited
    one_dot = white.copy()
    one_dot.putpixel((5, 5), (0, 0, 0))
    assert blank(one_dot)
    chart = white.copy()
    draw = ImageDraw.Draw(chart)
    draw.line([(10, 90), (190, 90)], fill=(100, 100, 100), width=2)
    draw.rectangle([(30, 40), (60, 89)], fill=(0, 114, 178))
    draw.rectangle([(90, 20), (120, 89)], fill=(230, 159, 0))
    assert not blank(chart)


def test_card_html_renders_markdown_and_escapes_html() -> None:
    ws = workshop()
    page = BeautifulSoup(ws.card_html("# Risks\n\n- one\n- two\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n<script>x()</script>\n", "Risks"), "html.parser")
    assert page.h1.get_text() == "Risks" and len(page.select("li")) == 2 and len(page.select("td")) == 2
    assert page.find("script") is None and "<script>x()</script>" in page.get_text()
    assert page.title.get_text() == "What Works — summary card — Risks"
    assert ws.card_lens(Path("windows.md")) == "Windows of opportunity" and ws.card_lens(Path("early_action.md")) == "Early action"


def card_findings(markdown: str) -> list[str]:
    """The list items of a card's "Key findings" section."""
    section = markdown.split("## Key findings", 1)[1].split("\n## ", 1)[0]
    return [line for line in section.strip().splitlines() if line.startswith("- ")]


def test_card_findings_check_fails_when_they_differ(tmp_path: Path) -> None:
    from whatworks.analyses.findings import PLACEHOLDER, ChapterFindings, Finding

    cf = ChapterFindings("windows", "Windows", (Finding("a", "Most onsets came with warning.", "29 of 39.", "data", "Data", "S", "2024"),))
    (tmp_path / "windows.glue.json").write_text(json.dumps({"key_findings": {"data": {JSON_MIME: cf.to_json()}}}), encoding="utf-8")
    card = tmp_path / "windows.md"
    card.write_text(f"# Windows\n\n## Key findings\n\n{PLACEHOLDER}\n\n## For discussion\n\n1. Why?\n", encoding="utf-8")
    filled = workshop().card_markdown(card, tmp_path)
    assert card_findings(filled) == [f.markdown(None) for f in cf.findings]
    assert card_findings(filled.replace("29 of 39", "30 of 39")) != [f.markdown(None) for f in cf.findings]


# The built handouts.


@pytest.mark.parametrize("card", sorted(CARDS.glob("*.md")), ids=lambda p: p.stem)
def test_card_findings_are_the_chapters(card: Path) -> None:
    """A card's key findings are exactly those its chapter computed in the build, and no figure of the card is typed by hand."""
    ws = workshop()
    chapter = from_glue(ws.GLUE / f"{card.stem}.glue.json")
    assert card_findings(ws.card_markdown(card)) == [f.markdown(None) for f in chapter.findings]
    hand = card_findings(card.read_text(encoding="utf-8"))
    assert hand == [], f"{card.relative_to(ROOT)}: findings typed by hand: {hand}"


@pytest.mark.browser
@pytest.mark.parametrize("doc", toc_pages())
def test_page_handout(doc: str) -> None:
    """One image per chart the page shows, none blank, and the page's title in the PDF."""
    html = SITE / f"{doc}.html"
    if not html.is_file():
        pytest.fail(f"{html.relative_to(ROOT)} is missing: run ./book editions")
    page = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    charts = len(page.select("figure.whatworks-chart"))
    title = page.select_one("article h1").get_text(" ").replace("#", "").strip()
    pdf = need(HANDOUTS / f"{Path(doc).name}.pdf")
    images = pdf_images(pdf)
    assert len(images) == charts, f"{pdf.name}: {len(images)} image(s), the page shows {charts} chart(s)"
    empty = [i for i, img in enumerate(images) if blank(img)]
    assert empty == [], f"{pdf.name}: blank chart image(s) number {empty}"
    assert all(img.width >= 600 for img in images), f"{pdf.name}: chart images too small to print: {[img.size for img in images]}"
    pages, text = pdf_text(pdf, first=1)
    assert pages >= 1 and normalise(title) in normalise(text), f"{pdf.name}: title {title!r} not on the first page"


@pytest.mark.browser
def test_summary_cards() -> None:
    cards = sorted(CARDS.glob("*.md"))
    missing = LENSES - {card.stem for card in cards}
    assert not missing, f"summary cards missing in {CARDS.relative_to(ROOT)}: {sorted(missing)}"
    ws = workshop()
    for card in cards:
        pdf = need(HANDOUTS / f"card-{card.stem}.pdf")
        pages, text = pdf_text(pdf)
        assert pages == 1, f"{pdf.name}: {pages} pages, a card must fit one A4 page"
        assert normalise(f"What Works — summary card — {ws.card_lens(card)}") in normalise(text), f"{pdf.name}: footer missing"
        heading = next((line.lstrip("#").strip() for line in card.read_text(encoding="utf-8").splitlines() if line.startswith("# ")), None)
        assert heading, f"{card.relative_to(ROOT)}: the card has no '# ' title"
        assert normalise(re.sub(r"[*_`]", "", heading)) in normalise(text), f"{pdf.name}: title {heading!r} not in the PDF"
        missing = [f.headline for f in from_glue(ws.GLUE / f"{card.stem}.glue.json").findings if normalise(f.headline) not in normalise(text)]
        assert not missing, f"{pdf.name}: key findings of the chapter not printed: {missing}"
