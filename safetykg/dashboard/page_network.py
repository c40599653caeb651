"""网络 Network explorer: the ego network around any node, picked by name; depth and label filters,
colour by label or status, a legend with colour dots, recurrence links highlighted. The picture
carries the next ring hidden: a click on a node expands it in place, right-click hides a node,
a dragged node stays pinned.

URL: `network?node=<Label:key>&depth=<1-4>`; the sidebar filters narrow the accidents offered.
"""

from __future__ import annotations

import streamlit as st

from safetykg.dashboard import data, filterbar, network, state, subgraphs, ui
from safetykg.dashboard.i18n import label_name
from safetykg.graph.schema import load_schema

MAX_CHOICES = 500
DEPTHS = ["1", "2", "3", "4"]


def render() -> None:
    lang = ui.lang()
    schema = load_schema()
    st.title(ui.tr("page_network"))
    ui.require_store()
    with st.spinner(ui.tr("loading")):
        full = data.full_graph()
    st.caption(ui.tr("graph_size", n=full.number_of_nodes(), m=full.number_of_edges()))

    labels = list(schema.labels)
    wanted = str(st.query_params.get("node") or "")
    if wanted in full:
        state.kept()["widget.net_label"] = str(full.nodes[wanted].get("label"))
    cols = st.columns([1, 2, 3])
    label = state.keep("net_label", lambda key: cols[0].selectbox(
        ui.tr("center_label"), labels, format_func=lambda name: label_name(name, lang), key=key,
    ), default="Accident", options=labels)
    needle = str(state.keep("net_filter", lambda key: cols[1].text_input(ui.tr("center_search"), key=key),
                            default="") or "").strip().lower()
    accidents = filterbar.in_view() if state.filters().active else None
    choices = [
        node for node, attrs in full.nodes(data=True)
        if attrs.get("label") == label
        and (label != "Accident" or accidents is None or str(attrs.get("key")) in accidents or node == wanted)
        and (not needle or needle in str(attrs.get("name") or attrs.get("title") or "").lower() or needle in node.lower())
    ]
    choices.sort(key=lambda node: str(full.nodes[node].get("name") or node))
    choices = choices[:MAX_CHOICES]
    if not choices:
        st.info(ui.tr("no_node"))
        return
    center = state.keep("node", lambda key: cols[2].selectbox(
        ui.tr("center"), choices,
        format_func=lambda node: f"{full.nodes[node].get('name') or full.nodes[node].get('title') or node}",
        key=key,
    ), default=choices[0], options=choices, url=True)

    cols = st.columns([1, 3, 1, 1])
    depth = int(state.keep("depth", lambda key: cols[0].select_slider(ui.tr("depth"), DEPTHS, key=key),
                           default="2", url=True, options=DEPTHS))
    default_labels = [name for name in labels if name != "Source"]
    keep = state.keep("net_labels", lambda key: cols[1].multiselect(
        ui.tr("labels_filter"), labels, format_func=lambda name: label_name(name, lang), key=key,
    ), default=default_labels)
    colour_by = state.keep("net_colour", lambda key: cols[2].radio(
        ui.tr("colour_by"), ["label", "status"], format_func=lambda v: ui.tr(f"colour_{v}"), key=key,
    ), default="label")
    limit = state.keep("net_limit", lambda key: cols[3].number_input(
        ui.tr("limit"), 10, 5000, step=50, key=key), default=network.DEFAULT_LIMIT)

    st.markdown(f"[{ui.tr('open_entity')}]({ui.entity_href(center)})")
    with st.spinner(ui.tr("drawing")):
        graph = subgraphs.around(full, center, depth, keep or None)
        reserve = subgraphs.around(full, center, depth + 1, keep or None)
    st.markdown(f"**{ui.tr('legend')}**")
    st.html(network.legend_html(network.legend_items(graph, colour_by, lang)))
    st.caption(ui.tr("explore_hint"))
    ui.picture(graph, colour_by=colour_by, limit=int(limit), center=center, reserve=reserve)


render()
