"""网络 Network explorer: the ego network around any node, with depth and label filters,
colour by label or status, a legend, recurrence links highlighted."""

from __future__ import annotations

import streamlit as st

from safetykg.dashboard import data, network, subgraphs, ui
from safetykg.dashboard.i18n import label_name
from safetykg.graph.schema import load_schema

MAX_CHOICES = 500


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
    wanted_label = wanted.split(":", 1)[0] if wanted in full else "Accident"
    cols = st.columns([1, 2, 3])
    label = cols[0].selectbox(
        ui.tr("center_label"), labels, index=labels.index(wanted_label),
        format_func=lambda name: f"{label_name(name, lang)} {name}", key="net_label",
    )
    needle = cols[1].text_input(ui.tr("center_search"), key="net_filter").strip().lower()
    choices = [
        node for node, attrs in full.nodes(data=True)
        if attrs.get("label") == label
        and (not needle or needle in str(attrs.get("name") or attrs.get("title") or "").lower() or needle in node.lower())
    ]
    choices.sort(key=lambda node: str(full.nodes[node].get("name") or node))
    choices = choices[:MAX_CHOICES]
    if not choices:
        st.info(ui.tr("no_node"))
        return
    center = cols[2].selectbox(
        ui.tr("center"), choices, index=choices.index(wanted) if wanted in choices else 0,
        format_func=lambda node: f"{full.nodes[node].get('name') or full.nodes[node].get('title') or node} · {node}",
        key="net_center",
    )

    cols = st.columns([1, 3, 1, 1])
    depth = cols[0].slider(ui.tr("depth"), 1, 4, 2, key="net_depth")
    keep = cols[1].multiselect(
        ui.tr("labels_filter"), labels, default=[name for name in labels if name != "Source"],
        format_func=lambda name: label_name(name, lang), key="net_labels",
    )
    colour_by = cols[2].radio(
        ui.tr("colour_by"), ["label", "status"], format_func=lambda v: ui.tr(f"colour_{v}"), key="net_colour",
    )
    limit = cols[3].number_input(ui.tr("limit"), 10, 5000, network.DEFAULT_LIMIT, step=50, key="net_limit")

    with st.spinner(ui.tr("drawing")):
        graph = subgraphs.around(full, center, depth, keep or None)
    st.markdown(f"**{ui.tr('legend')}**")
    st.html(network.legend_html(network.legend_items(graph, colour_by, lang)))
    ui.picture(graph, colour_by=colour_by, limit=int(limit), center=center)


render()
