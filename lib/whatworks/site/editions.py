"""Sphinx extension of the workshop editions: ``workshop_hide_solutions = True`` leaves the exercise solutions out.

``scripts/workshop.py`` builds the participant edition with it (no solutions) and the facilitator
edition without the switch (all solutions), from the same sources and the main build's notebook cache.
"""

from __future__ import annotations

from typing import Any

from sphinx_exercise.nodes import solution_node


def _drop_solutions(app: Any, doctree: Any) -> None:
    """Remove every solution (plain or gated, after sphinx-exercise merged the gated ones) from the page."""
    if not app.config.workshop_hide_solutions:
        return
    for node in list(doctree.findall(solution_node)):
        node.parent.remove(node)


def setup(app: Any) -> dict[str, Any]:
    """Sphinx entry point (``workshop_hide_solutions = True`` removes the solutions)."""
    app.add_config_value("workshop_hide_solutions", False, "env")
    app.connect("doctree-read", _drop_solutions)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
