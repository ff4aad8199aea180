"""whatworks.site.bibstyle: titles keep their case, organisations sort by name, an edited misc entry names its editor."""

from __future__ import annotations

from pybtex.database import parse_string
from pybtex.plugin import find_plugin

from whatworks.site import bibstyle

BIB = r"""
@article{letter, author = {{United Nations Security Council}}, title = {Letter dated 6 October 1992 from the Permanent Representative of Mozambique},
  journal = {S/24635}, year = {1992}}
@article{yordan, author = {Yordán, Carlos}, title = {A study}, journal = {J}, year = {2005}}
@article{accountability, author = {{Accountability, Coherence and Transparency Group}}, title = {Code of conduct}, journal = {UN}, year = {2015}}
@misc{fax, editor = {Dobbs, Michael}, title = {The {Rwanda} ``Genocide Fax''}, howpublished = {Briefing Book 452}, year = {2014}}
"""


def formatted() -> list[tuple[str, str]]:
    bibstyle.register()
    style = find_plugin("pybtex.style.formatting", bibstyle.NAME)()
    entries = style.format_entries(parse_string(BIB, "bibtex").entries.values())
    return [(e.key, e.text.render_as("text")) for e in entries]


def test_titles_keep_their_case() -> None:
    text = dict(formatted())["letter"]
    assert "6 October 1992" in text and "Mozambique" in text
    # pybtex's own plain style lowercases them: the check would fail without the book's style.
    plain = find_plugin("pybtex.style.formatting", "plain")().format_entries(parse_string(BIB, "bibtex").entries.values())
    assert "mozambique" in next(e for e in plain if e.key == "letter").text.render_as("text")


def test_organisations_sort_among_persons() -> None:
    keys = [k for k, _ in formatted()]
    assert keys.index("accountability") < keys.index("yordan") and keys.index("letter") < keys.index("yordan")


def test_an_edited_misc_entry_names_its_editor() -> None:
    assert "Dobbs" in dict(formatted())["fax"]
