"""概览 Overview: what the graph holds, the open items from the saved audits, accidents and deaths
by year, province and kind, and the Review's figures."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

import streamlit as st

from safetykg.dashboard import audits, data, filterbar, network, provmap, state, ui
from safetykg.dashboard.i18n import label_name, prop_name, rel_name
from safetykg.dashboard.prepared import FINDINGS, PROVINCES, REVIEWED, REVIEWS, open_items

REVIEW_FIGURES = ("accidents_especially_major", "accidents_major", "provinces", "problems_found", "recommendations")


def grouped(accidents: list[dict[str, Any]], key: Any) -> list[dict[str, Any]]:
    """Accidents and deaths per group, from accident groups (`filterbar.facets`, each counting `n`)."""
    totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for row in accidents:
        group = key(row) or ui.tr("unknown")
        totals[group][0] += int(row.get("n", 1))
        totals[group][1] += int(row.get("deaths") or 0)
    accidents_col, deaths_col = ui.tr("accidents"), ui.tr("deaths")
    return [{"group": g, accidents_col: a, deaths_col: d} for g, (a, d) in totals.items()]


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("app_title"))
    st.caption(ui.tr("overview_caption"))
    ui.require_store()
    with st.spinner(ui.tr("loading")):
        counts = data.counts()
        every = filterbar.facets()
        current = state.filters()
        accidents = [r for r in every if current.accepts(r)]  # groups of accidents, each counting `n`
        provinces = {r["adcode"][:2]: r["name"] for r in data.rows(PROVINCES, {"level": "province"})}

    total_nodes = sum(counts["labels"].values())
    total_rels = sum(counts["relationships"].values())
    deaths = sum(int(r.get("deaths") or 0) for r in accidents)
    cols = st.columns(4)
    cols[0].metric(ui.tr("accidents"), sum(int(r["n"]) for r in accidents))
    cols[1].metric(ui.tr("deaths"), deaths)
    cols[2].metric(ui.tr("nodes"), total_nodes)
    cols[3].metric(ui.tr("relationships"), total_rels)
    with st.expander(f"{ui.tr('nodes')} / {ui.tr('relationships')}"):
        left, right = st.columns(2)
        left.dataframe(
            [{ui.tr("label"): f"{label_name(k, lang)} {k}", ui.tr("count"): v} for k, v in counts["labels"].items()],
            hide_index=True, width="stretch",
        )
        right.dataframe(
            [{ui.tr("type"): f"{rel_name(k, lang)} {k}", ui.tr("count"): v} for k, v in counts["relationships"].items()],
            hide_index=True, width="stretch",
        )

    summary = data.coverage_summary()
    st.markdown(f"**{ui.tr('coverage')}**：{ui.md(summary['line_en' if lang == 'en' else 'line_zh'])}")

    st.subheader(ui.tr("open_items"))
    st.caption(ui.tr("open_items_hint"))
    with st.spinner(ui.tr("running")):
        items = open_items()
    by_id = {a.id: a for a in audits.list_audits()}
    table = []
    for item in items:
        audit = by_id[item["id"]]
        table.append({
            ui.tr("audit"): audits.audit_title(audit, lang), ui.tr("severity"): audits.severity_name(audit, lang),
            ui.tr("count"): "" if item["rows"] is None else str(item["rows"]), ui.tr("x_of_y_col"): item["count"],
            ui.tr("unjudged_col"): "" if item["unjudged"] is None else str(item["unjudged"]),
            ui.tr("error"): item["error"],
        })
    st.dataframe(
        table, hide_index=True, width="stretch",
        column_config={ui.tr("audit"): st.column_config.TextColumn(width="large")},
    )

    _map_and_charts(accidents, provinces)

    st.subheader(ui.tr("review_figures"))
    reviews = data.rows(REVIEWS)
    if not reviews:
        st.info(ui.tr("no_review"))
    for review in reviews:
        period = f"{review.get('period_from') or '?'}–{review.get('period_to') or '?'}"
        st.markdown(f"**{ui.md(review['name'])}** （{ui.md(period)}）")
        figure_cols = st.columns(len(REVIEW_FIGURES) + 2)
        for col, prop in zip(figure_cols, REVIEW_FIGURES, strict=False):
            value = review.get(prop)
            col.metric(prop_name("Review", prop, lang), "—" if value is None else value)
        in_graph = data.rows(REVIEWED, {"id": review["id"]})
        findings = data.rows(FINDINGS, {"id": review["id"]})
        figure_cols[-2].metric(ui.tr("in_graph", what=ui.tr("accidents")), in_graph[0]["c"] if in_graph else 0)
        figure_cols[-1].metric(ui.tr("in_graph", what=label_name("Finding", lang)), findings[0]["c"] if findings else 0)
        if review.get("summary"):
            st.caption(ui.md(review["summary"]))


def _map_and_charts(accidents: list[dict[str, Any]], provinces: dict[str, str]) -> None:
    """The map and the charts, below the open items: Streamlit's charts load Vega on a browser's first
    visit, and above the open items they held the first paint back (1M graph, a fresh headless Chromium
    each time, to the numbers and the open items: 2.5-3.2 s with the charts above them, 2.1-2.8 s below;
    `bench/first_paint.py` 3.2-3.9 s -> 2.0-2.2 s)."""
    map_col, note_col = st.columns([3, 1])
    per_province: dict[str, int] = defaultdict(int)
    for row in accidents:
        per_province[str(row.get("adcode") or "")[:2]] += int(row["n"])
    try:
        with map_col:
            network.show(provmap.page(provmap.province_svg(dict(per_province), provinces, ui.tr("accidents_unit"))),
                         height=520)
    except provmap.MapUnavailable as exc:
        map_col.info(str(exc))
    note_col.caption(ui.tr("map_caption"))

    tabs = st.tabs([ui.tr("by_year"), ui.tr("by_province"), ui.tr("by_kind")])
    keys = (
        (lambda r: (r.get("date") or "")[:4], "year"),
        (lambda r: provinces.get((r.get("adcode") or "")[:2], ""), "province"),
        (lambda r: r.get("kind") or "", "kind"),
    )
    for tab, (key, caption) in zip(tabs, keys, strict=True):
        with tab:
            table = grouped(accidents, key)
            table.sort(key=lambda r: r["group"] if caption == "year" else -r[ui.tr("accidents")])
            for row in table:
                row[ui.tr(caption)] = row.pop("group")
            if not table:
                st.info(ui.tr("no_rows"))
                continue
            left, right = st.columns(2)
            left.bar_chart(table, x=ui.tr(caption), y=ui.tr("accidents"), sort=caption != "year")
            right.bar_chart(table, x=ui.tr(caption), y=ui.tr("deaths"), color="#d62728", sort=caption != "year")


render()
