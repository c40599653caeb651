"""事故 Accident page: search by name, date or place; the whole accountability chain with
dated statuses on a timeline, a picture, and the source of every fact as a link."""

from __future__ import annotations

import datetime as dt
from typing import Any

import altair as alt
import streamlit as st

from safetykg.dashboard import chain as chains
from safetykg.dashboard import data, filterbar, state, ui
from safetykg.dashboard.entities import missing_marks
from safetykg.dashboard.i18n import label_name, prop_name, rel_name
from safetykg.graph.schema import id_items, load_schema

SEARCH = (
    "MATCH (a:Accident) WHERE ($q = '' OR a.name CONTAINS $q OR a.place CONTAINS $q OR a.id CONTAINS $q) "
    "AND ($date_from = '' OR a.date >= $date_from) AND ($date_to = '' OR a.date <= $date_to) "
    "RETURN a.id AS id, a.name AS name, a.date AS date, a.deaths AS deaths LIMIT 1000"
)
QUIET = {"id", "name", "title", "source_ids", "note", "summary", "finding", "causes", "scope", "outcome"}
LONG = ("summary", "finding", "causes", "outcome", "scope", "note")


@st.cache_data(show_spinner=False, max_entries=64)
def load_chain(version: str, accident_id: str) -> chains.Chain:
    return data.holder().call(lambda store: chains.accountability_chain(store.run, accident_id))


def fields(label: str, props: dict[str, Any], lang: str) -> str:
    """The short facts of an item as `name: value` pairs (schema order, empty ones left out)."""
    schema = load_schema()
    parts = []
    for prop in schema.labels[label].properties.values():
        value = props.get(prop.name)
        if prop.name in QUIET or prop.derived or value in (None, "", []):
            continue
        if isinstance(value, list):
            value = "、".join(str(v) for v in value)
        elif isinstance(value, float) and value.is_integer():
            value = int(value)
        elif isinstance(value, bool):
            value = "✓" if value else "✗"
        elif prop.name == "adcode":
            value = f"{filterbar.place_name(value)}（{value}）"
        elif prop.enum:
            value = ui.value_text(label, prop.name, value)
        parts.append(f"{prop_name(label, prop.name, lang)}: {ui.md(value)}")
    return " · ".join(parts)


def link_text(item: chains.Item, found: chains.Chain, lang: str) -> list[str]:
    lines = []
    for link in item.links:
        other = found.items.get(link.other)
        if other is None:
            continue
        arrow = "→" if link.outgoing else "←"
        extra = [f"{prop_name(link.rel, k, lang)}: {ui.md(v)}" for k, v in link.props.items()
                 if k not in ("source_ids", "note") and v not in (None, "", [])]
        sources = id_items(link.props.get("source_ids"))
        text = f"{rel_name(link.rel, lang)} {arrow} {label_name(other.label, lang)} **{ui.entity_link(other.id, other.name)}**"
        if extra:
            text += " （" + "；".join(extra) + "）"
        if sources:
            text += f" — {ui.tr('source_of')}: " + ui.source_links(sources, found.sources)
        lines.append(text)
    return lines


def show_item(item: chains.Item, found: chains.Chain, lang: str) -> None:
    status = item.props.get("checked_status") or item.props.get("status") or item.props.get("stage")
    head = f"**{ui.entity_link(item.id, item.name)}**"
    if status:
        cls = load_schema().node_status_class(item.label, item.props)
        head += f" :{ui.BADGE_COLOURS.get(cls, 'gray')}-badge[{ui.md(ui.value_text(item.label, 'status', status))}]"
    for mark in missing_marks({"label": item.label, **item.props}):
        head += f" :orange-badge[{ui.tr('badge_no_' + mark)}]"
    head += f" · [{ui.tr('picture')}]({ui.network_href(item.id)})"
    st.markdown(head)
    st.caption(ui.md(item.id))
    facts = fields(item.label, item.props, lang)
    if facts:
        st.markdown(facts)
    for prop in LONG:
        if item.props.get(prop) and prop in load_schema().labels[item.label].properties:
            st.caption(f"{prop_name(item.label, prop, lang)}: {ui.md(item.props[prop])}")
    links = link_text(item, found, lang)
    if links:
        st.markdown("\n".join(f"- {line}" for line in links))
    if item.props.get("source_ids"):
        st.markdown(f"{ui.tr('source_of')}: " + ui.source_links(id_items(item.props["source_ids"]), found.sources))


def search_box() -> str | None:
    """The accident search: text and dates here, province and the rest from the sidebar filters."""
    cols = st.columns([3, 1.2, 1.2])
    query = state.keep("acc_q", lambda key: cols[0].text_input(ui.tr("search"), key=key), default="")
    date_from = state.keep("acc_from", lambda key: cols[1].date_input(
        ui.tr("date_from"), min_value=dt.date(1949, 1, 1), key=key, format="YYYY-MM-DD"), default=None)
    date_to = state.keep("acc_to", lambda key: cols[2].date_input(
        ui.tr("date_to"), min_value=dt.date(1949, 1, 1), key=key, format="YYYY-MM-DD"), default=None)
    params = {
        "q": str(query or "").strip(),
        "date_from": date_from.isoformat() if isinstance(date_from, dt.date) else "",
        "date_to": date_to.isoformat() if isinstance(date_to, dt.date) else "",
    }
    in_view = filterbar.in_view()
    found = [r for r in data.rows(SEARCH, params) if str(r["id"]) in in_view]
    found.sort(key=lambda r: (r.get("date") or "", r["id"]), reverse=True)
    if not found:
        st.info(ui.tr("no_accident"))
        return None
    ids = [str(r["id"]) for r in found]
    names = {str(r["id"]): f"{r.get('date') or '????'} · {r['name']}" for r in found}
    chosen = state.keep("id", lambda key: st.selectbox(
        f"{ui.tr('pick_accident')} ({ui.tr('rows_n', n=len(found))})", ids, format_func=lambda i: names[i], key=key,
    ), default=ids[0], options=ids, url=True)
    return str(chosen) if chosen else None


PARTY_LABELS = ("Enterprise", "Person", "Department", "Region")


def by_role(section: list[chains.Item], found: chains.Chain, lang: str) -> list[tuple[str, list[chains.Item]]]:
    """Parties grouped by how they take part (responsible, led or sat on the investigation, court…)."""
    if not section or section[0].label not in ("Department", "Enterprise", "Person"):
        return [("", section)]
    groups: dict[str, list[chains.Item]] = {}
    order = list(load_schema().relationships)
    for item in section:
        rels = sorted({link.rel for link in item.links if link.other in found.items}, key=order.index)
        role = "、".join(rel_name(r, lang) for r in rels)
        groups.setdefault(role, []).append(item)
    return sorted(groups.items(), key=lambda g: (-len(g[1]), g[0]))


def accident_sources(found: chains.Chain) -> list[str]:
    """Sources this accident's facts cite: its own, its links', its items'; a party's own record may cite
    documents about other accidents, so parties' node sources are left out."""
    ids = set(id_items(found.accident.props.get("source_ids")))
    for _, _, _, props in found.edges:
        ids.update(id_items(props.get("source_ids")))
    for item in found.items.values():
        if item.label not in PARTY_LABELS and item.label != "Accident":
            ids.update(id_items(item.props.get("source_ids")))
    return sorted(i for i in ids if i in found.sources) + sorted(i for i in ids if i not in found.sources)


def timeline_chart(events: list[chains.Event], lang: str) -> None:
    if not events:
        st.info(ui.tr("nothing_recorded"))
        return
    rows = [
        {
            ui.tr("date"): e.date,
            ui.tr("item"): f"{label_name(e.label, lang)} · {e.item}",
            ui.tr("event"): prop_name(e.label, e.what, lang),
            ui.tr("stage"): ui.value_text(e.label, "status", e.status) if e.status else "",
        }
        for e in events
    ]
    chart = (
        alt.Chart(alt.Data(values=rows))
        .mark_circle(size=140)
        .encode(
            x=alt.X(f"{ui.tr('date')}:T", title=ui.tr("date"),
                    axis=alt.Axis(format="%Y-%m" if lang == "en" else "%Y年%m月", labelAngle=0)),
            y=alt.Y(f"{ui.tr('item')}:N", title=None, sort=None),
            color=alt.Color(f"{ui.tr('event')}:N", title=ui.tr("event")),
            tooltip=[f"{ui.tr('date')}:N", f"{ui.tr('item')}:N", f"{ui.tr('event')}:N", f"{ui.tr('stage')}:N"],
        )
        .properties(height=max(160, 34 * len({r[ui.tr('item')] for r in rows})))
    )
    st.altair_chart(chart, width="stretch")
    ui.table(rows)


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("page_accident"))
    ui.require_store()
    accident_id = search_box()
    if accident_id is None:
        return
    with st.spinner(ui.tr("loading")):
        found = load_chain(data.holder().version(), accident_id)
    accident = found.accident
    st.header(ui.md(accident.name))  # a name is text, never a link or a heading
    st.caption(ui.md(accident.id))

    st.subheader(ui.tr("facts"))
    cols = st.columns(4)
    for col, prop in zip(cols, ("deaths", "injuries", "missing", "direct_loss_wan"), strict=True):
        value = accident.props.get(prop)
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        col.metric(prop_name("Accident", prop, lang), "—" if value is None else value)
    st.markdown(fields("Accident", accident.props, lang))
    for prop in ("summary", "causes", "note"):
        if accident.props.get(prop):
            st.markdown(f"**{prop_name('Accident', prop, lang)}**: {ui.md(accident.props[prop])}")
    if accident.props.get("source_ids"):
        st.markdown(f"{ui.tr('source_of')}: " + ui.source_links(id_items(accident.props["source_ids"]), found.sources))

    ui.counts_table(accident.id, lang)

    st.subheader(ui.tr("chain"))
    for label in chains.SECTIONS:
        section = found.section(label)
        if not section:
            continue
        with st.expander(f"{ui.tr('section_' + label)} ({len(section)})"):
            for role, members in by_role(section, found, lang):
                if role:
                    st.markdown(f"##### {ui.md(role)} ({len(members)})")
                for item in members:
                    show_item(item, found, lang)
                    st.divider()

    st.subheader(ui.tr("timeline"))
    timeline_chart(chains.timeline(found), lang)

    st.subheader(ui.tr("picture"))
    ui.picture(found.graph(), center=accident.id)

    st.subheader(ui.tr("sources"))
    for number, source_id in enumerate(accident_sources(found), start=1):
        st.markdown(f"{number}. {ui.source_link(source_id, found.sources)} · {ui.md(source_id)}")


render()
