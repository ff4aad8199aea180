"""The book's bibliography style: pybtex's ``plain``, with titles as the publishers wrote them and organisations sorted by name.

pybtex's ``plain`` style puts article titles in sentence case, which turns "Letter dated 6 October 1992 from
the Permanent Representative of Mozambique" into "... 6 october 1992 ... mozambique"; here titles keep the
case of the .bib file. Its sorting puts an organisation written as ``{{Office of ...}}`` after every person
(the key starts with a brace); here braces are ignored and names compared without case. A ``misc`` entry
with an editor and no author (an edited briefing book) names the editor.
"""

from __future__ import annotations

from typing import Any

from pybtex.plugin import register_plugin
from pybtex.style.formatting import toplevel
from pybtex.style.formatting.plain import Style as PlainStyle
from pybtex.style.formatting.unsrt import date
from pybtex.style.sorting.author_year_title import SortingStyle as AuthorYearTitle
from pybtex.style.template import field, optional, sentence

NAME = "whatworks"


class SortingStyle(AuthorYearTitle):
    """Author, year, title; braces ignored and case folded, so organisations sort among persons."""

    def person_key(self, person: Any) -> str:
        return super().person_key(person).replace("{", "").replace("}", "").casefold()

    def sorting_key(self, entry: Any) -> tuple[str, str, str]:
        author = self.author_editor_key(entry)
        return (author, entry.fields.get("year", ""), entry.fields.get("title", "").replace("{", "").replace("}", "").casefold())


class Style(PlainStyle):
    """``plain`` with titles in the case the .bib file gives them."""

    default_sorting_style = NAME

    def format_title(self, e: Any, which_field: str, as_sentence: bool = True) -> Any:
        title = field(which_field)
        return sentence[title] if as_sentence else title

    def get_misc_template(self, e: Any) -> Any:
        if "author" in e.persons or "editor" not in e.persons:
            return super().get_misc_template(e)
        return toplevel[
            sentence[self.format_editor(e)],
            optional[self.format_title(e, "title")],
            sentence[optional[field("howpublished")], optional[date]],
            sentence[optional[field("note")]],
            self.format_web_refs(e),
        ]


def register() -> None:
    """Make the style known to pybtex as ``whatworks`` (formatting and sorting); safe to call twice."""
    register_plugin("pybtex.style.formatting", NAME, Style, force=True)
    register_plugin("pybtex.style.sorting", NAME, SortingStyle, force=True)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx extension: register the style before sphinxcontrib-bibtex formats the references."""
    register()
    return {"parallel_read_safe": True, "parallel_write_safe": True}
