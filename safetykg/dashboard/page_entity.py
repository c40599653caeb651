"""查找 Search and entity pages: one search box across accidents, enterprises, people, departments,
investigations (name, alias, id, place); every node gets a page with what it is, its links
grouped by role, its timeline, the sources its own facts cite, and — for an accident — the
published accountability counts beside what the graph names.

URL: `entity?q=<text>` searches; `entity?id=<Label:key>` opens a page (a unique exact name
opens its page straight away).
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from safetykg.dashboard import data, entities, filterbar, state, ui
from safetykg.dashboard.i18n import label_name, prop_name, rel_name
from safetykg.graph.schema import load_schema

QUIET = {"id", "name", "title", "source_ids", "note", "summary", "finding", "causes", "scope", "outcome"}


def facts(label: str, attrs: dict[str, Any], lang: str) -> str:
    schema = load_schema()
    found = schema.labels.get(label)
    if found is None:
        return ""
    parts = []
    for prop in found.properties.values():
        value = attrs.get(prop.name)
        if prop.name in QUIET or prop.derived or value in (None, "", []):
            continue
        if prop.name == "adcode" or prop.name == "parent_adcode":
            text = f"{filterbar.place_name(value)}（{value}）"
        else:
            text = ui.value_text(label, prop.name, value)
        parts.append(f"{prop_name(label, prop.name, lang)}: {ui.md(text)}")
    return " · ".join(parts)


def search_results(hits: list[entities.Hit], lang: str) -> None:
    st.caption(ui.tr("matches_n", n=len(hits)))
    for label, group in entities.by_label(hits).items():
        st.markdown(f"**{label_name(label, lang)}** ({len(group)})")
        lines = [
            f"- {ui.entity_link(h.node, h.name)}" + (f" · {ui.md(h.where)}" if h.where else "")
            for h in group
        ]
        st.markdown("\n".join(lines))


def show_entity(node: str, lang: str) -> None:
    graph = data.full_graph()
    attrs = graph.nodes[node]
    label = str(attrs.get("label", ""))
    schema = load_schema()
    st.header(f"{label_name(label, lang)} · {ui.md(entities.node_name(attrs, node))}")
    marks = entities.missing_marks(dict(attrs))
    status = attrs.get("checked_status") or attrs.get("status") or attrs.get("stage")
    badges = []
    if status:
        cls = schema.node_status_class(label, dict(attrs))
        badges.append(f":{ui.BADGE_COLOURS.get(cls, 'gray')}-badge[{ui.md(ui.value_text(label, 'status', status))}]")
    badges += [f":orange-badge[{ui.tr('badge_no_' + m)}]" for m in marks]
    links = [f"[{ui.tr('open_network')}]({ui.network_href(node)})"]
    if label == "Accident":
        links.append(f"[{ui.tr('open_chain')}](accident?id={ui.quote(str(attrs.get('key')))})")
    st.markdown(" ".join(badges + [f"`{ui.md(node)}`"] + ["｜".join(links)]))
    text = facts(label, dict(attrs), lang)
    if text:
        st.markdown(text)
    for prop in ("summary", "finding", "causes", "outcome", "note"):
        if attrs.get(prop) and prop in schema.labels[label].properties:
            st.markdown(f"**{prop_name(label, prop, lang)}**: {ui.md(attrs[prop])}")
    if label == "Accident":
        ui.counts_table(node, lang)

    st.subheader(ui.tr("links"))
    groups = entities.link_groups(graph, node)
    if not groups:
        st.info(ui.tr("nothing_recorded"))
    for group in groups:
        arrow = "→" if group.outgoing else "←"
        with st.expander(f"{rel_name(group.rel, lang)} {arrow} {label_name(group.label, lang)} ({len(group.members)})",
                         expanded=len(groups) <= 6):
            lines = []
            for member in group.members:
                line = f"- {ui.entity_link(member.node, member.name)} · [{ui.tr('picture')}]({ui.network_href(member.node)})"
                extra = [f"{prop_name(group.rel, k, lang)}: {ui.md(ui.value_text(group.rel, k, v))}" for k, v in member.props.items()
                         if k not in ("source_ids", "note", "type") and v not in (None, "", [])]
                missing = entities.missing_marks(dict(graph.nodes[member.node]))
                if extra:
                    line += " （" + "；".join(extra) + "）"
                for mark in missing:
                    line += f" :orange-badge[{ui.tr('badge_no_' + mark)}]"
                lines.append(line)
            st.markdown("\n".join(lines))

    st.subheader(ui.tr("timeline"))
    events = entities.timeline(graph, node)
    if events:
        ui.table([
            {
                ui.tr("date"): ui.date_text(e.date, lang),
                ui.tr("item"): f"{label_name(e.label, lang)} · {e.name}",
                ui.tr("event"): prop_name(e.label, e.what, lang),
                ui.tr("stage"): ui.value_text(e.label, "status", e.status) if e.status else "",
            }
            for e in events
        ])
    else:
        st.info(ui.tr("nothing_recorded"))

    st.subheader(ui.tr("own_sources"))
    ids = entities.own_sources(graph, node)
    if not ids:
        st.info(ui.tr("nothing_recorded"))
    sources = data.sources()
    for number, source_id in enumerate(ids, start=1):
        st.markdown(f"{number}. {ui.source_link(source_id, sources)}")


def render() -> None:
    lang = ui.lang()
    st.title(ui.tr("page_entity"))
    ui.require_store()
    graph = data.full_graph()
    query = state.keep("q", lambda key: st.text_input(ui.tr("search_all"), key=key), default="", url=True)
    kept = state.kept()
    if kept.get("entity.last_q") is not None and kept.get("entity.last_q") != query and "id" in st.query_params:
        del st.query_params["id"]  # a new search leaves the page it had opened
    kept["entity.last_q"] = query
    wanted = str(st.query_params.get("id") or "")
    hits = entities.search(graph, str(query or ""), accidents=filterbar.in_view() if state.filters().active else None)
    if query and not hits:
        st.info(ui.tr("no_match"))
    exact = entities.unique_exact(hits)
    if not wanted and exact is not None:
        wanted = exact.node
    if wanted and wanted in graph:
        show_entity(wanted, lang)
        if hits and len(hits) > 1:
            st.divider()
            search_results(hits, lang)
    elif hits:
        search_results(hits, lang)
    elif not query:
        st.caption(ui.tr("search_hint"))


render()
