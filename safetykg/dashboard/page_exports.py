"""导出 Exports: the whole graph, an audit's subgraph or a node's neighbourhood as offline HTML,
GraphML, GEXF, node-link JSON, neo4j-admin CSV (zip) or a Cypher script."""

from __future__ import annotations

from typing import Any

import streamlit as st

from safetykg.dashboard import audits, data, entities, export, network, state, subgraphs, ui
from safetykg.dashboard.i18n import label_name
from safetykg.dashboard.params import param_widgets
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
        if audit is not None and audit.params:
            st.markdown(f"**{ui.tr('params')}**")
            params = param_widgets(audit, lang)
    elif scope == "around":
        with st.spinner(ui.tr("loading")):
            full = data.full_graph()
        needle = state.keep("exp_q", lambda key: st.text_input(ui.tr("center_by_name"), key=key), default="")
        hits = entities.search(full, str(needle or "")) if needle else []
        if not hits:
            hits = [entities.Hit(n, "Accident", entities.node_name(full.nodes[n], n), False, "")
                    for n in sorted(full) if n.startswith("Accident:")][:200]
        options = [h.node for h in hits]
        names = {h.node: f"{label_name(h.label, lang)} · {h.name}" for h in hits}
        node = state.keep("exp_node", lambda key: st.selectbox(
            ui.tr("center"), options, format_func=lambda n: names.get(n, n), key=key,
        ), default=options[0] if options else "", options=options) or ""
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
                details: list[str] = []
                title = None
                if scope == "audit" and audit is not None:
                    typed = audits.resolve(audit, params)
                    rows = data.holder().call(lambda store: audits.subgraph_rows(store, audit, typed))
                    graph, name, center = subgraphs.edges_graph(full, rows), f"audit-{audit.id}", None
                    title = audits.audit_title(audit, lang)
                    details.append(ui.tr("params") + ": " + "，".join(
                        f"{audits.param_caption(p, lang)} {ui.plain_value(typed.get(p.name))}" for p in audit.params))
                elif scope == "around":
                    graph = subgraphs.around(full, node, depth, keep or None)
                    center = subgraphs.resolve_node(full, node)
                    name = "around-" + (center or "node").replace(":", "-")
                    if center:
                        title = f"{entities.node_name(full.nodes[center], center)} ±{depth}"
                else:
                    graph, name, center = full, "safetykg", None
                    title = ui.tr("app_title")
                details.extend(ui.picture_details(graph))
                payload = export.export_bytes(graph, fmt, lang=lang, limit=limit, title=title or name, center=center,
                                              details=details)
            except (KeyError, ValueError, LookupError) as exc:
                st.error(f"{ui.tr('export_failed')}: {exc}")
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
