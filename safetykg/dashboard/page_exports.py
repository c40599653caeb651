"""导出 Exports: the whole graph, an audit's subgraph or a node's neighbourhood as offline HTML,
GraphML, GEXF, node-link JSON, neo4j-admin CSV (zip) or a Cypher script."""

from __future__ import annotations

from typing import Any

import streamlit as st

from safetykg.dashboard import audits, data, export, network, subgraphs, ui
from safetykg.dashboard.i18n import label_name
from safetykg.graph.schema import load_schema

EXPORT_KEY = "export_result"


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("page_exports"))
    ui.require_store()
    st.caption(ui.tr("exports_caption"))
    scopes = ["all", "around", "audit"]
    scope = st.radio(ui.tr("scope"), scopes, format_func=lambda s: ui.tr(f"scope_{s}"), horizontal=True, key="exp_scope")
    fmt = st.selectbox(ui.tr("format"), export.FORMATS, key="exp_format")
    limit = network.DEFAULT_LIMIT
    if fmt == "html":
        limit = int(st.number_input(ui.tr("limit"), 10, 20000, network.DEFAULT_LIMIT, step=50, key="exp_limit"))

    audit: Any = None
    node, depth, keep = "", 1, None
    params: dict[str, Any] = {}
    if scope == "audit":
        found = {a.id: a for a in audits.list_audits()}
        audit_id = st.selectbox(
            ui.tr("pick_audit"), list(found), format_func=lambda i: f"{audits.audit_title(found[i], lang)} · {i}",
            key="exp_audit",
        )
        audit = found.get(audit_id)
        if audit is not None and getattr(audit, "params", None):
            st.caption(ui.tr("params") + ": " + ", ".join(f"{p.name}={audits.default_of(p)}" for p in audit.params))
    elif scope == "around":
        with st.spinner(ui.tr("loading")):
            first = next((n for n in sorted(data.full_graph()) if n.startswith("Accident:")), "")
        node = st.text_input(ui.tr("node_id"), value=first, key="exp_node")
        depth = st.slider(ui.tr("depth"), 1, 4, 2, key="exp_depth")
        labels = list(load_schema().labels)
        keep = st.multiselect(
            ui.tr("labels_filter"), labels, default=[name for name in labels if name != "Source"],
            format_func=lambda name: label_name(name, lang), key="exp_labels",
        )

    if st.button(ui.tr("generate"), type="primary", key="exp_go"):
        with st.spinner(ui.tr("generating")):
            try:
                full = data.full_graph()
                if scope == "audit" and audit is not None:
                    rows = data.holder().call(lambda store: audits.subgraph_rows(store, audit, params))
                    graph, name, center = subgraphs.edges_graph(full, rows), f"audit-{audit.id}", None
                elif scope == "around":
                    graph = subgraphs.around(full, node, depth, keep or None)
                    center = subgraphs.resolve_node(full, node)
                    name = "around-" + (center or "node").replace(":", "-")
                else:
                    graph, name, center = full, "safetykg", None
                payload = export.export_bytes(graph, fmt, lang=lang, limit=limit, title=name, center=center)
            except (KeyError, ValueError, LookupError) as exc:
                st.error(str(exc))
                return
        st.session_state[EXPORT_KEY] = {
            "name": f"{name}{export.SUFFIXES[fmt]}", "data": payload, "mime": export.MIME[fmt],
            "size": (graph.number_of_nodes(), graph.number_of_edges()),
        }

    result = st.session_state.get(EXPORT_KEY)
    if result:
        st.caption(ui.tr("graph_size", n=result["size"][0], m=result["size"][1]))
        st.download_button(
            ui.tr("download", name=result["name"]), result["data"], result["name"], result["mime"],
            key="exp_download", on_click="ignore", type="primary",
        )


render()
