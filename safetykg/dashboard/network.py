"""Network pictures: a networkx graph drawn with pyvis, as one HTML file that needs no network.

pyvis's `in_line` mode inlines vis-network but still links Bootstrap from a CDN; pictures
made here carry the vis-network script and stylesheet from the files bundled with pyvis,
and every external <link>/<script> is removed. `offline_problems` is the check the
exports and the tests share.

A graph with more nodes than the limit is cut down before drawing (nearest to the centre
first when there is one, otherwise best connected first) and the picture says so.
"""

from __future__ import annotations

import html
import json
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from ..graph.schema import load_schema
from .i18n import label_name, rel_name, t

DEFAULT_LIMIT = 300
DEFAULT_HEIGHT = 620
FONT_FACE = '"Noto Sans CJK SC","Source Han Sans SC","WenQuanYi Micro Hei","Microsoft YaHei","PingFang SC",sans-serif'
RECURRENCE = "RECURRENCE_OF"
STATUS_CLASS_ORDER = ("closed", "open", "failed", "unknown", "none")  # legend order; names and colours in schema.yaml


def recurrence_colour() -> str:
    return load_schema().rel_colour(RECURRENCE) or "#D55E00"


_HIDDEN_PROPS = {"label", "key", "source_ids"}
_URL_SCHEME = re.compile(r"https?://", re.IGNORECASE)


@dataclass
class Picture:
    html: str
    total_nodes: int
    shown_nodes: int
    total_edges: int
    shown_edges: int
    note: str | None = None
    legend: list[tuple[str, str, str]] = field(default_factory=list)  # (caption, colour, "node"|"edge")


# --- what a node looks like ------------------------------------------------------------

def status_group(attrs: dict[str, Any]) -> str:
    """closed / open / failed / unknown / none, from the schema's status classes (latest check first)."""
    return load_schema().node_status_class(str(attrs.get("label", "")), attrs)


def node_colour(attrs: dict[str, Any], colour_by: str = "label") -> str:
    schema = load_schema()
    if colour_by == "status":
        return schema.status_colour(status_group(attrs))
    return schema.label_colour(str(attrs.get("label", "")))


def node_caption(attrs: dict[str, Any], node: str, width: int = 14) -> str:
    text = str(attrs.get("name") or attrs.get("title") or attrs.get("key") or node)
    return text if len(text) <= width else text[: width - 1] + "…"


def plain(value: Any) -> str:
    """A value as tooltip text; link schemes are dropped so a picture never names a fetchable URL."""
    if isinstance(value, list):
        text = "、".join(str(v) for v in value)
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return _URL_SCHEME.sub("", text)


def node_tooltip(attrs: dict[str, Any], node: str, lang: str = "zh", max_props: int = 10) -> str:
    schema = load_schema()
    label = str(attrs.get("label", ""))
    lines = [f"{label_name(label, lang)} · {attrs.get('name') or attrs.get('title') or attrs.get('key') or node}"]
    lines.append(f"id: {attrs.get('key', node)}")
    found = schema.labels.get(label)
    shown = 0
    for prop, value in attrs.items():
        if prop in _HIDDEN_PROPS or prop in ("name", "title") or value in (None, "", []):
            continue
        if found is not None and prop not in found.properties:
            continue  # day ordinals and other stored helpers
        caption = found.properties[prop].zh if found is not None and lang != "en" else prop
        if found is not None and lang == "en":
            caption = found.properties[prop].en
        text = plain(value)
        if found is not None and found.properties[prop].enum:
            text = schema.value_name(label, prop, value, lang)
        if len(text) > 80:
            text = text[:79] + "…"
        lines.append(f"{caption}: {text}")
        shown += 1
        if shown >= max_props:
            break
    return "\n".join(lines)


# --- cutting a graph down -------------------------------------------------------------

def cut_down(graph: nx.MultiDiGraph, limit: int, center: str | None = None) -> tuple[nx.MultiDiGraph, str | None]:
    """At most `limit` nodes: by distance from `center` then degree, or by degree alone."""
    if limit <= 0 or graph.number_of_nodes() <= limit:
        return graph, None
    degree = dict(graph.degree())
    if center is not None and center in graph:
        distance = nx.single_source_shortest_path_length(graph.to_undirected(as_view=True), center)
        order = sorted(graph.nodes, key=lambda v: (distance.get(v, math.inf), -degree[v], str(v)))
        how = "depth"
    else:
        order = sorted(graph.nodes, key=lambda v: (-degree[v], str(v)))
        how = "degree"
    return graph.subgraph(order[:limit]).copy(), how


def legend_items(graph: nx.MultiDiGraph, colour_by: str = "label", lang: str = "zh") -> list[tuple[str, str, str]]:
    schema = load_schema()
    items: list[tuple[str, str, str]] = []
    if colour_by == "status":
        groups = {status_group(d) for _, d in graph.nodes(data=True)}
        for group in STATUS_CLASS_ORDER:
            if group in groups:
                items.append((schema.status_class_name(group, lang), schema.status_colour(group), "node"))
    else:
        labels = {str(d.get("label", "")) for _, d in graph.nodes(data=True)}
        for label in schema.labels:
            if label in labels:
                items.append((label_name(label, lang), schema.label_colour(label), "node"))
    if any(d.get("type") == RECURRENCE for _, _, d in graph.edges(data=True)):
        items.append((t("recurrence", lang), recurrence_colour(), "edge"))
    return items


# --- drawing --------------------------------------------------------------------------

def render(
    graph: nx.MultiDiGraph,
    *,
    lang: str = "zh",
    colour_by: str = "label",
    limit: int = DEFAULT_LIMIT,
    center: str | None = None,
    height: int = DEFAULT_HEIGHT,
    title: str | None = None,
    details: Sequence[str] = (),
    reserve: nx.MultiDiGraph | None = None,
) -> Picture:
    """An offline HTML picture of `graph` (cut down to `limit` nodes, with a note if it was).

    `details` are lines shown under the title (as-of date, parameters, sources). `reserve`, a
    larger graph around the same nodes, is carried hidden: clicking a node shows its hidden
    neighbours in place (expand), right-click hides a node, a dragged node stays where it is put.
    """
    from pyvis.network import Network

    total_nodes, total_edges = graph.number_of_nodes(), graph.number_of_edges()
    shown, how = cut_down(graph, limit, center)
    note = None
    if how is not None:
        note = t(
            "cut_note", lang, total=total_nodes, limit=limit, shown=shown.number_of_nodes(),
            how=t("cut_by_depth" if how == "depth" else "cut_by_degree", lang),
        )
    net = Network(height=f"{height}px", width="100%", directed=True, cdn_resources="in_line", bgcolor="#ffffff")
    degree = dict(shown.degree())
    for node, attrs in shown.nodes(data=True):
        size = 12 + min(22.0, 3.0 * math.sqrt(degree.get(node, 0)))
        options: dict[str, Any] = {
            "title": node_tooltip(attrs, node, lang),
            "size": size,
            "font": {"face": FONT_FACE, "size": 14, "color": "#222222"},
            "borderWidth": 4 if node == center else 1,
        }
        net.add_node(str(node), label=node_caption(attrs, node), color=node_colour(attrs, colour_by), shape="dot", **options)
    hidden = _reserve_nodes(shown, reserve, RESERVE_LIMIT)
    for node in hidden:
        attrs = reserve.nodes[node] if reserve is not None else {}
        net.add_node(
            str(node), label=node_caption(attrs, node), color=node_colour(attrs, colour_by), shape="dot", hidden=True,
            title=node_tooltip(attrs, node, lang), size=12, font={"face": FONT_FACE, "size": 14, "color": "#222222"},
        )
    drawn = set(shown.nodes) | set(hidden)
    edges_of = shown.edges(data=True)
    extra_edges = [
        (a, b, d) for a, b, d in (reserve.edges(data=True) if reserve is not None and hidden else [])
        if a in drawn and b in drawn and (a in hidden or b in hidden)
    ]
    label_edges = shown.number_of_edges() <= 60
    for src, dst, attrs in [*edges_of, *extra_edges]:
        rel = str(attrs.get("type", ""))
        caption = rel_name(rel, lang)
        options = {"title": f"{caption} ({rel})", "arrows": "to", "font": {"face": FONT_FACE, "size": 11, "align": "middle"}}
        if label_edges:
            options["label"] = caption
        if rel == RECURRENCE:
            options.update({"color": recurrence_colour(), "width": 4, "dashes": True})
        else:
            options.update({"color": "#9a9a9a", "width": 1})
        if src in hidden or dst in hidden:
            options["hidden"] = True
        net.add_edge(str(src), str(dst), **options)
    net.options = {
        "interaction": {"hover": True, "tooltipDelay": 120},
        # labels stay drawn however far the picture is zoomed out (vis hides small ones by default)
        "nodes": {"scaling": {"label": {"enabled": False, "drawThreshold": 1}}},
        # vis's improved layout is slow and gives up on big graphs; plain physics copes
        "layout": {"improvedLayout": shown.number_of_nodes() <= 150},
        "physics": {
            "enabled": True,
            "solver": "barnesHut",
            "barnesHut": {"gravitationalConstant": -6000, "springLength": 120, "damping": 0.3},
            "stabilization": {"enabled": True, "iterations": 250, "fit": True},
        },
        "edges": {"smooth": {"enabled": True, "type": "dynamic"}},
    }
    legend = legend_items(shown, colour_by, lang)
    raw = net.generate_html(notebook=False)
    page = make_offline(raw, title=title, note=note, legend=legend, details=details,
                        hint=t("explore_hint", lang) if hidden else None)
    return Picture(page, total_nodes, shown.number_of_nodes(), total_edges, shown.number_of_edges(), note, legend)


RESERVE_LIMIT = 400


def _reserve_nodes(shown: nx.MultiDiGraph, reserve: nx.MultiDiGraph | None, limit: int) -> list[str]:
    """Neighbours of the drawn nodes in `reserve` that are not drawn, nearest first, at most `limit`."""
    if reserve is None:
        return []
    found: list[str] = []
    seen = set(shown.nodes)
    for node in sorted(shown.nodes, key=str):
        if node not in reserve:
            continue
        for other in sorted(set(reserve.successors(node)) | set(reserve.predecessors(node)), key=str):
            if other not in seen:
                seen.add(other)
                found.append(other)
                if len(found) >= limit:
                    return found
    return found


# --- making the HTML offline ----------------------------------------------------------

def _pyvis_lib() -> Path:
    import pyvis

    return Path(pyvis.__file__).parent / "templates" / "lib"


def _bundled(name: str) -> str:
    """vis-network's script or stylesheet from pyvis's bundled copy, with inert URL text defused."""
    return _defuse((_pyvis_lib() / "vis-9.1.2" / name).read_text(encoding="utf-8"))


def _defuse(code: str) -> str:
    """Defuse URL text in inline scripts and styles that is never fetched, so no http(s) URL remains.

    The SVG namespace is an identifier ("\\/" is the same string in JavaScript); what remains
    in vis-network is licence comments and error messages: the text stays, the scheme goes.
    """
    code = code.replace('"http://www.w3.org/2000/svg"', '"http:\\/\\/www.w3.org/2000/svg"')
    code = _SOURCE_MAP.sub("", code)
    return _URL_SCHEME.sub("", code)


_EXTERNAL = r"""(?:https?:)?//"""
_LINK_TAG = re.compile(r"<link\b[^>]*>", re.IGNORECASE)
_SCRIPT_SRC = re.compile(r"<script\b[^>]*\bsrc\s*=\s*[\"']?([^\"'\s>]+)[^>]*>\s*</script\s*>", re.IGNORECASE)
_INLINE_BLOCK = re.compile(r"(<(script|style)\b[^>]*>)(.*?)(</\2\s*>)", re.IGNORECASE | re.DOTALL)
_SOURCE_MAP = re.compile(r"^\s*//[#@] sourceMappingURL=.*$", re.MULTILINE)
_EMPTY_HEADING = re.compile(r"<center>\s*<h1>\s*</h1>\s*</center>", re.IGNORECASE)
_REFERENCE = re.compile(
    r"""(?:\b(?:src|href|action|poster|data)\s*=\s*["']?\s*(?:https?:)?//)|(?:url\(\s*["']?\s*(?:https?:)?//)|(?:@import\s+["']?(?:https?:)?//)|(?:https?://)""",
    re.IGNORECASE,
)

OFFLINE_CSS = f"""
body {{ margin: 0; font-family: {FONT_FACE}; background: #ffffff; }}
.skg-head {{ padding: 6px 10px; font-size: 14px; color: #222; }}
.skg-head h1 {{ font-size: 17px; margin: 2px 0 6px 0; }}
.skg-meta {{ color: #444; font-size: 13px; margin: 1px 0; }}
.skg-hint {{ color: #666; font-size: 12px; margin: 2px 0; }}
.skg-note {{ background: #fff4d6; border-left: 4px solid #ff9f1c; padding: 4px 8px; margin: 4px 0; }}
.skg-legend span.item {{ display: inline-block; margin-right: 14px; white-space: nowrap; }}
.skg-legend span.dot {{ display: inline-block; width: 11px; height: 11px; border-radius: 50%; margin-right: 4px;
  vertical-align: middle; }}
.skg-legend span.line {{ display: inline-block; width: 22px; height: 0; border-top: 4px dashed; margin-right: 4px;
  vertical-align: middle; }}
#mynetwork {{ float: none !important; }}
div.vis-tooltip {{ font-family: {FONT_FACE}; white-space: pre-wrap; max-width: 460px; }}
"""

# Stop the physics once the layout has settled, so a big picture never keeps a CPU busy,
# and leave a marker the browser tests wait for.
AFTER_DRAW_JS = """
(function () {
  function hook() {
    if (typeof network === "undefined" || !network) { return setTimeout(hook, 50); }
    var settle = function () {
      if (document.body.getAttribute("data-stable") === "1") { return; }
      network.setOptions({physics: false});
      document.body.setAttribute("data-stable", "1");
    };
    network.once("stabilizationIterationsDone", settle);
    network.once("stabilized", settle);
    network.on("afterDrawing", function () { document.body.setAttribute("data-drawn", "1"); });
    // a small graph settles inside the constructor, before these handlers exist
    if (network.physics && network.physics.stabilized) { settle(); }
    // explore: a click shows a node's hidden neighbours around it, a right-click hides a node,
    // a dragged node stays pinned where it was put
    network.on("click", function (params) {
      if (params.nodes.length === 1) { expand(params.nodes[0]); }
    });
    network.on("oncontext", function (params) {
      params.event.preventDefault();
      var id = network.getNodeAt(params.pointer.DOM);
      if (id !== undefined) { nodes.update({id: id, hidden: true}); count("data-hidden"); }
    });
    network.on("dragEnd", function (params) {
      params.nodes.forEach(function (id) { nodes.update({id: id, fixed: {x: true, y: true}}); });
    });
  }
  function count(attr) {
    var n = parseInt(document.body.getAttribute(attr) || "0", 10) + 1;
    document.body.setAttribute(attr, String(n));
  }
  function expand(id) {
    var centre = network.getPositions([id])[id];
    var shown = [];
    edges.get().forEach(function (e) {
      if (e.from !== id && e.to !== id) { return; }
      var other = e.from === id ? e.to : e.from;
      var node = nodes.get(other);
      if (node && node.hidden && shown.indexOf(other) < 0) { shown.push(other); }
    });
    var step = 2 * Math.PI / Math.max(shown.length, 1);
    var radius = 90 + 6 * shown.length;
    nodes.update(shown.map(function (other, i) {
      return {id: other, hidden: false, x: centre.x + radius * Math.cos(i * step), y: centre.y + radius * Math.sin(i * step)};
    }));
    var visible = {};
    nodes.get({filter: function (n) { return !n.hidden; }}).forEach(function (n) { visible[n.id] = true; });
    edges.update(edges.get({filter: function (e) { return e.hidden && visible[e.from] && visible[e.to]; }})
      .map(function (e) { return {id: e.id, hidden: false}; }));
    document.body.setAttribute("data-expanded", String(shown.length));
  }
  hook();
})();
"""


def _drop_comments(page: str) -> str:
    """Remove HTML comments from the markup; inline <script>/<style> bodies are left alone."""
    parts, pos = [], 0
    opening = re.compile(r"<!--|<(script|style)\b", re.IGNORECASE)
    while True:
        match = opening.search(page, pos)
        if match is None:
            parts.append(page[pos:])
            return "".join(parts)
        parts.append(page[pos : match.start()])
        if match.group(0) == "<!--":
            close = page.find("-->", match.end())
            pos = len(page) if close < 0 else close + 3
            continue
        closing = re.compile(rf"</{match.group(1)}\s*>", re.IGNORECASE).search(page, match.end())
        stop = len(page) if closing is None else closing.end()
        parts.append(page[match.start() : stop])
        pos = stop


def legend_html(legend: list[tuple[str, str, str]]) -> str:
    """The legend as HTML with every style inline, so it reads the same in a picture and on a page."""
    parts = []
    for caption, colour, kind in legend:
        if kind == "edge":
            mark = (f"display:inline-block;width:22px;height:0;border-top:4px dashed {colour};"
                    "margin-right:4px;vertical-align:middle")
        else:
            mark = (f"display:inline-block;width:12px;height:12px;border-radius:50%;background:{colour};"
                    "margin-right:4px;vertical-align:middle;border:1px solid #00000033")
        parts.append(
            '<span class="item" style="display:inline-block;margin-right:14px;white-space:nowrap">'
            f'<span class="{"line" if kind == "edge" else "dot"}" style="{html.escape(mark)}"></span>'
            f"{html.escape(caption)}</span>"
        )
    return '<div class="skg-legend">' + "".join(parts) + "</div>" if parts else ""


def make_offline(
    page: str,
    *,
    title: str | None = None,
    note: str | None = None,
    legend: list[tuple[str, str, str]] | None = None,
    details: Sequence[str] = (),
    hint: str | None = None,
) -> str:
    """Inline vis-network from pyvis's bundled files and drop every external link or script."""
    css, js = _bundled("vis-network.css"), _bundled("vis-network.min.js")

    def replace_link(match: re.Match[str]) -> str:
        tag = match.group(0)
        if "vis-network" in tag and "stylesheet" in tag.lower():
            return f"<style>{css}</style>"
        return "" if re.search(r"href\s*=\s*[\"']?\s*(?:https?:)?//", tag, re.IGNORECASE) else tag

    def replace_script(match: re.Match[str]) -> str:
        src = match.group(1)
        if "vis-network" in src:
            return f"<script>{js}</script>"
        if re.match(_EXTERNAL, src, re.IGNORECASE):
            return ""
        return match.group(0)

    def defuse_inline(match: re.Match[str]) -> str:
        opening, _, body, closing = match.groups()
        return f"{opening}{_defuse(body)}{closing}"

    page = _drop_comments(page)
    page = _LINK_TAG.sub(replace_link, page)
    page = _SCRIPT_SRC.sub(replace_script, page)
    page = _INLINE_BLOCK.sub(defuse_inline, page)
    page = _EMPTY_HEADING.sub("", page)
    head_extra = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{html.escape(title or 'safetykg')}</title><style>{OFFLINE_CSS}</style>"
    )
    page = re.sub(r"<head>", lambda _: "<head>" + head_extra, page, count=1, flags=re.IGNORECASE)
    if not page.lstrip().lower().startswith("<!doctype"):
        page = "<!DOCTYPE html>\n" + page
    header = ""
    if title or note or legend or details:
        header = '<div class="skg-head">'
        if title:
            header += f"<h1>{html.escape(title)}</h1>"
        for line in details:
            header += f'<div class="skg-meta">{html.escape(line)}</div>'
        if hint:
            header += f'<div class="skg-hint">{html.escape(hint)}</div>'

        if note:
            header += f'<div class="skg-note" id="skg-note">{html.escape(note)}</div>'
        header += legend_html(legend or [])
        header += "</div>"
    page = re.sub(r"<body>", lambda _: "<body>" + header, page, count=1, flags=re.IGNORECASE)
    page = re.sub(r"</body>", lambda _: f"<script>{AFTER_DRAW_JS}</script></body>", page, count=1, flags=re.IGNORECASE)
    problems = offline_problems(page)
    if problems:
        raise ValueError(f"picture still references the network: {problems[:5]}")
    return page


def offline_problems(page: str) -> list[str]:
    """Every place the page could reach the network: external src/href/url()/@import or any http(s) URL."""
    return [page[max(0, m.start() - 40) : m.end() + 40] for m in _REFERENCE.finditer(page)]


def nodes_in(page: str) -> int:
    """How many nodes a picture carries (read back from its vis DataSet), for tests and notes."""
    match = re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", page, re.DOTALL)
    return len(json.loads(match.group(1))) if match else 0


def show(page: str, height: int = DEFAULT_HEIGHT + 90) -> None:
    """Put a picture on a Streamlit page: `st.iframe` where it exists, else the old components call."""
    import streamlit as st

    if hasattr(st, "iframe"):
        st.iframe(page, height=height)
    else:  # Streamlit older than 1.56
        from streamlit.components import v1 as components

        components.html(page, height=height, scrolling=True)
