"""The executed notebooks that the build stores."""

from __future__ import annotations

import json

import pytest

from whatworks.paths import ROOT


def test_executed_notebooks_hold_each_stream_once() -> None:
    """In the built book, no code cell keeps a print in two pieces (the text would appear twice)."""
    executed = sorted((ROOT / "_build" / "jupyter_execute" / "chapters").glob("*.ipynb"))
    if not executed:
        pytest.skip("the book is not built (./book build)")
    split = []
    for path in executed:
        for i, cell in enumerate(json.loads(path.read_text())["cells"]):
            names = [o["name"] for o in cell.get("outputs", []) if o["output_type"] == "stream"]
            if len(names) != len(set(names)):
                split.append(f"{path.name} cell {i}")
    assert not split, f"stream outputs stored in pieces: {split}"
