"""查询 Console: read-only Cypher with parameters. Writes are refused by the Store itself
(`Store.run` rejects write clauses; the store is also opened read-only)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import networkx as nx
import streamlit as st

from safetykg.dashboard import data, ui
from safetykg.graph.readonly import MAX_USER_QUERY_CHARS, ReadOnlyViolation, check_user_query
from safetykg.graph.schema import load_schema

EXAMPLE = (
    "MATCH (a:Accident)-[:OCCURRED_IN]->(r:Region)\n"
    "WHERE a.deaths >= $min_deaths\n"
    "RETURN a.date AS date, a.name AS name, a.deaths AS deaths, r.name AS place\n"
    "ORDER BY deaths DESC LIMIT 20"
)
EXAMPLE_PARAMS = '{"min_deaths": 10}'


def result_nodes(rows: list[dict[str, Any]], full: nx.MultiDiGraph) -> list[str]:
    """Graph nodes a result returned whole (cells that are nodes), matched by label and key on either engine."""
    schema = load_schema()
    found: dict[str, None] = {}

    def visit(value: Any) -> None:
        if isinstance(value, list):
            for item in value:
                visit(item)
            return
        if not isinstance(value, Mapping):
            return
        named = value.get("_LABEL")
        labels = [schema.labels[named]] if isinstance(named, str) and named in schema.labels else schema.labels.values()
        for label in labels:
            key = value.get(label.key)
            if key is not None and f"{label.name}:{key}" in full:
                found.setdefault(f"{label.name}:{key}", None)
                return

    for row in rows:
        for cell in row.values():
            visit(cell)
    return list(found)


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
    ui.readable_table(rows)
    if rows:
        ui.download_table(rows, "query", key="console-dl")
    full = data.full_graph()
    nodes = result_nodes(rows, full)
    if nodes:
        st.subheader(ui.tr("picture"))
        st.caption(ui.tr("console_picture"))
        ui.picture(full.subgraph(nodes).copy())


render()
