"""审计 Audits: pick a saved audit, set its parameters (typed widgets from its metadata), run it,
see the table and the subgraph picture, download CSV, Excel, JSON or Markdown."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from safetykg.dashboard import audits, data, subgraphs, ui
from safetykg.graph.store import Store

RESULT_KEY = "audit_result"


def widget(audit: Any, param: Any) -> Any:
    """A widget of the parameter's declared type; its value is coerced by `audits.coerce`."""
    key = f"audit_{audit.id}_{param.name}"
    caption = f"{param.name} ({param.type})"
    help_text = getattr(param, "description", None) or None
    default = audits.default_of(param)
    if param.type == "date":
        return st.date_input(caption, value=default, min_value=dt.date(1949, 1, 1), key=key, help=help_text)
    if param.type == "int":
        return st.number_input(caption, value=int(default), step=1, key=key, help=help_text)
    if param.type == "list":
        text = st.text_area(f"{caption} — {ui.tr('list_hint')}", value="\n".join(default), key=key, help=help_text)
        return audits.as_list(text)
    return st.text_input(caption, value=str(default), key=key, help=help_text)


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("page_audits"))
    ui.require_store()
    if audits.runner() is None:
        st.info(ui.tr("runner_missing"))
        return
    found = audits.list_audits()
    if not found:
        st.info(ui.tr("no_audits"))
        return
    by_id = {a.id: a for a in found}
    ids = list(by_id)
    wanted = st.query_params.get("audit")
    chosen = st.selectbox(
        ui.tr("pick_audit"), ids, index=ids.index(wanted) if wanted in ids else 0,
        format_func=lambda i: f"{audits.audit_title(by_id[i], lang)} · {i}", key="audit_pick",
    )
    audit = by_id[chosen]
    st.markdown(f"**{ui.tr('severity')}**: `{getattr(audit, 'severity', '') or '—'}`")
    explains = audits.audit_explains(audit, lang)
    if explains:
        st.caption(ui.md(explains))

    with st.form(f"audit_form_{audit.id}"):
        params = getattr(audit, "params", [])
        if params:
            st.markdown(f"**{ui.tr('params')}**")
        values = {p.name: widget(audit, p) for p in params}
        submitted = st.form_submit_button(ui.tr("run"), type="primary")
    if submitted:
        typed = audits.coerce_all(audit, values)

        def work(store: Store) -> tuple[Any, ...]:
            rows, count = audits.run(store, audit, typed)
            return rows, count, audits.subgraph_rows(store, audit, typed)

        with st.spinner(ui.tr("running")):
            try:
                rows, count, sub_rows = data.holder().call(work)
            except Exception as exc:
                st.error(f"{ui.tr('query_failed')}: {exc}")
                return
        st.session_state[RESULT_KEY] = {"id": audit.id, "params": typed, "rows": rows, "count": count, "sub": sub_rows}

    result = st.session_state.get(RESULT_KEY)
    if not result or result["id"] != audit.id:
        return
    rows = result["rows"]
    st.subheader(ui.tr("result_count", n=len(rows)))
    if result["count"]:
        x, y = result["count"]
        st.metric(ui.tr("count"), ui.tr("x_of_y", x=x, y=y))
    ui.table(rows)
    if rows:
        st.markdown(f"**{ui.tr('downloads')}**")
        ui.download_table(rows, f"audit-{audit.id}", key=f"dl-{audit.id}")
    st.subheader(ui.tr("picture"))
    if not result["sub"]:
        st.info(ui.tr("no_subgraph"))
        return
    colour_by = st.radio(
        ui.tr("colour_by"), ["label", "status"], format_func=lambda v: ui.tr(f"colour_{v}"), horizontal=True,
        key="audit_colour",
    )
    with st.spinner(ui.tr("drawing")):
        graph = subgraphs.edges_graph(data.full_graph(), result["sub"])
    ui.picture(graph, colour_by=colour_by)


render()
