"""查询 Console: read-only Cypher with parameters. Writes are refused by the Store itself
(`Store.run` rejects write clauses; the store is also opened read-only)."""

from __future__ import annotations

import json

import streamlit as st

from safetykg.dashboard import ui
from safetykg.graph.readonly import MAX_USER_QUERY_CHARS, ReadOnlyViolation, check_user_query

EXAMPLE = (
    "MATCH (a:Accident)-[:OCCURRED_IN]->(r:Region)\n"
    "WHERE a.deaths >= $min_deaths\n"
    "RETURN a.date AS date, a.name AS name, a.deaths AS deaths, r.name AS place\n"
    "ORDER BY deaths DESC LIMIT 20"
)
EXAMPLE_PARAMS = '{"min_deaths": 10}'


def render() -> None:
    st.title(ui.tr("page_console"))
    holder = ui.require_store()
    st.caption(ui.tr("console_hint"))
    with st.form("console"):
        query = st.text_area(ui.tr("cypher"), value=EXAMPLE, height=160, key="console_query", max_chars=MAX_USER_QUERY_CHARS)
        params_text = st.text_area(ui.tr("cypher_params"), value=EXAMPLE_PARAMS, height=80, key="console_params")
        submitted = st.form_submit_button(ui.tr("run"), type="primary")
    if not submitted:
        return
    try:
        params = json.loads(params_text or "{}")
    except json.JSONDecodeError as exc:
        st.error(f"{ui.tr('bad_params')}: {exc}")
        return
    if not isinstance(params, dict):
        st.error(ui.tr("bad_params"))
        return
    with st.spinner(ui.tr("loading")):
        try:
            check_user_query(query)  # size cap first: one visitor's huge query cannot stall the others
            rows = holder.run(query, params)
        except ReadOnlyViolation as exc:
            st.error(str(exc))
            return
        except Exception as exc:  # syntax errors, unknown properties: the engine's words
            st.error(f"{ui.tr('query_failed')}: {exc}")
            return
    st.subheader(ui.tr("rows_n", n=len(rows)))
    ui.table(rows)
    if rows:
        ui.download_table(rows, "query", key="console-dl")


render()
