"""A real browser opens an exported HTML picture whose node names are scripts: it shows the text and
runs nothing (no dialog, no injected element, no request), in the caption, the tooltip and the title."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest

from safetykg.dashboard import export

from .test_browser import chromium, network_frame, settled  # noqa: F401 - the fixture is used by name

pytestmark = pytest.mark.browser
IMG = "<img src=x onerror=alert(1)>"
SCRIPT = "<script>window.__pwned = 1; alert(2)</script>"


def _graph() -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_node("Accident:A1", label="Accident", key="A1", id="A1", name=IMG, summary=SCRIPT, deaths=3)
    graph.add_node("Enterprise:E1", label="Enterprise", key="E1", id="E1", name=SCRIPT)
    graph.add_edge("Enterprise:E1", "Accident:A1", type="RESPONSIBLE_FOR", role=IMG)
    return graph


def test_exported_picture_of_a_script_named_node_runs_no_script(chromium: Any, tmp_path: Path):  # noqa: F811
    out = tmp_path / "hostile.html"
    out.write_bytes(export.export_bytes(_graph(), "html", title=IMG))
    context = chromium.new_context(viewport={"width": 1000, "height": 700})
    context.set_offline(True)
    tab = context.new_page()
    dialogs: list[str] = []
    requests: list[str] = []
    tab.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    tab.on("request", lambda request: requests.append(request.url))
    try:
        tab.goto(out.as_uri())
        frame = network_frame(tab)
        settled(frame)
        assert IMG in tab.inner_text("h1")  # the title shows the text
        positions = frame.evaluate(
            "() => Object.values(network.getPositions(network.body.nodeIndices)).map(p => network.canvasToDOM(p))"
        )
        box = tab.locator("#mynetwork").bounding_box()
        tooltips = []
        for point in positions:
            tab.mouse.move(box["x"] + point["x"], box["y"] + point["y"])
            tab.wait_for_timeout(600)
            tooltip = tab.locator("div.vis-tooltip")
            if tooltip.count() and tooltip.is_visible():
                tooltips.append(tooltip.inner_text())
                assert tooltip.locator("img, script").count() == 0
        assert any(IMG in text for text in tooltips) and any("<script>" in text for text in tooltips), tooltips
        assert dialogs == []
        assert tab.evaluate("() => window.__pwned === undefined")
        assert tab.locator("img[src='x']").count() == 0
    finally:
        context.close()
    assert [url for url in requests if not url.startswith(("file:", "data:", "about:", "blob:"))] == []
