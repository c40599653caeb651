"""审计 Audits: pick a saved audit, set its parameters (typed widgets from its metadata, named in
the reader's language), run it, see the table (declared column and value names), what it could
not judge, the subgraph picture, and download CSV, Excel, JSON, Markdown or an offline HTML
picture made with the same as-of date and parameters.

URL: `audits?audit=<id>`; the sidebar filters narrow rows that name an accident.

At national scale the page stays interactive: it fetches one page of rows (200) with the total the
audit counts, pages with a page number, and draws the picture only for results of up to 2,000 rows,
naming the nodes from the subgraph rows when the graph is too large to hold in memory.
"""

from __future__ import annotations

from typing import Any

import networkx as nx
import streamlit as st

from safetykg.dashboard import audits, data, export, filterbar, state, subgraphs, ui
from safetykg.dashboard.i18n import label_name
from safetykg.dashboard.params import param_widgets
from safetykg.dashboard.prepared import PAGE_ROWS, PICTURE_MAX_ROWS
from safetykg.queries.runner import AuditParamError

RESULT_KEY = "audit_result"
ACCIDENT_COLUMNS = ("accident_id", "earlier_id", "later_id")


def in_view(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rows the sidebar filters leave: those naming an accident in view (rows naming none stay)."""
    if not state.filters().active:
        return rows
    keep = filterbar.in_view()
    return [r for r in rows if not any(r.get(c) for c in ACCIDENT_COLUMNS)
            or any(str(r.get(c)) in keep for c in ACCIDENT_COLUMNS if r.get(c))]


def unjudged_note(audit: audits.Audit, lang: str) -> None:
    """How many items of the audit's kind the graph holds without the date or status it needs."""
    label = audits.judged_label(audit)
    if label is None:
        return
    count = data.unjudged(label)
    if count:
        st.warning(ui.tr("unjudged", n=count, what=label_name(label, lang)))


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("page_audits"))
    ui.require_store()
    found = audits.list_audits()
    if not found:
        st.info(ui.tr("no_audits"))
        return
    by_id = {a.id: a for a in found}
    ids = list(by_id)
    chosen = state.keep(
        "audit", lambda key: st.selectbox(
            ui.tr("pick_audit"), ids, format_func=lambda i: f"{audits.audit_title(by_id[i], lang)} · {i}", key=key),
        default=ids[0], options=ids, url=True,
    )
    audit = by_id[chosen]
    st.markdown(f"**{ui.tr('severity')}**: {audits.severity_name(audit, lang)}")
    explains = audits.audit_explains(audit, lang)
    if explains:
        st.caption(ui.md(explains))

    with st.form(f"audit_form_{audit.id}"):
        if audit.params:
            st.markdown(f"**{ui.tr('params')}**")
        values = param_widgets(audit, lang)
        submitted = st.form_submit_button(ui.tr("run"), type="primary")
    if submitted:
        try:
            typed = audits.resolve(audit, values)
        except AuditParamError as exc:
            st.error(f"{ui.tr('bad_audit_params')}: {exc}")
            return

        with st.spinner(ui.tr("running")):
            try:  # the default first page and its picture are prepared when the server starts (prepared.py)
                run = data.audit_page(audit, typed, PAGE_ROWS)
                sub_rows = data.audit_subgraph(audit, typed) if (run.total or 0) <= PICTURE_MAX_ROWS else None
            except Exception as exc:
                st.error(f"{ui.tr('query_failed')}: {exc}")
                return
        st.session_state[RESULT_KEY] = {"id": audit.id, "params": typed, "run": run, "sub": sub_rows}

    result = st.session_state.get(RESULT_KEY)
    if not result or result["id"] != audit.id:
        unjudged_note(audit, lang)
        return
    run = result["run"]
    total = run.total if run.total is not None else len(run.rows)
    pages = max(1, -(-total // PAGE_ROWS))
    if pages > 1:
        number = int(st.number_input(ui.tr("page_no"), min_value=1, max_value=pages, value=1 + run.offset // PAGE_ROWS,
                                     key=f"audit_page_{audit.id}"))
        if (number - 1) * PAGE_ROWS != run.offset:
            offset = (number - 1) * PAGE_ROWS
            run = data.audit_page(audit, result["params"], PAGE_ROWS, offset)
            result["run"] = run
    rows = in_view(run.rows)
    hidden = len(run.rows) - len(rows)
    st.subheader(ui.tr("result_count", n=total - hidden if pages == 1 else total))
    if pages > 1:
        st.caption(ui.tr("page_rows", a=run.offset + 1, b=run.offset + len(run.rows), n=total))
    if hidden:
        st.caption(ui.tr("filtered_out", n=hidden))
    if run.count:
        x, y = run.count
        st.metric(ui.tr("count"), ui.tr("x_of_y", x=x, y=y), help=audits.count_meaning(audit, lang) or None)
    unjudged_note(audit, lang)
    shown = ", ".join(f"{audits.param_caption(p, lang)}={run.params.get(p.name)}" for p in audit.params)
    if shown:
        st.caption(f"{ui.tr('params')}: {shown}")
    ui.readable_table(rows, run.columns)
    if rows:
        st.markdown(f"**{ui.tr('downloads')}**")
        ui.download_table(rows, f"audit-{audit.id}", key=f"dl-{audit.id}", columns=run.columns)
    st.subheader(ui.tr("picture"))
    if result["sub"] is None:
        st.info(ui.tr("picture_too_big", n=total, most=PICTURE_MAX_ROWS))
        return
    if not result["sub"]:
        st.info(ui.tr("no_subgraph"))
        return
    colour_by = state.keep(
        "audit_colour", lambda key: st.radio(
            ui.tr("colour_by"), ["label", "status"], format_func=lambda v: ui.tr(f"colour_{v}"), horizontal=True,
            key=key),
        default="label",
    )
    with st.spinner(ui.tr("drawing")):
        full = nx.MultiDiGraph() if data.graph_is_large() else data.full_graph()
        graph = subgraphs.edges_graph(full, result["sub"])
    ui.picture(graph, colour_by=colour_by)
    title = f"{audits.audit_title(audit, lang)}（{shown}）" if shown else audits.audit_title(audit, lang)
    payload = export.export_bytes(graph, "html", lang=lang, title=title, details=ui.picture_details(graph))
    st.download_button(
        ui.tr("download", name=f"audit-{audit.id}.html"), payload, f"audit-{audit.id}.html", "text/html",
        key=f"dl-{audit.id}-html", on_click="ignore",
    )


render()
