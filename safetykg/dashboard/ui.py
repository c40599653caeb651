"""Small Streamlit helpers shared by the pages: language, store checks, links, downloads, pictures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any
from urllib.parse import quote

import networkx as nx
import streamlit as st

from ..graph.errors import NoGraphYet
from ..graph.schema import id_items, load_schema
from ..output import md_escape, to_csv, to_json, to_markdown
from ..queries.vocabulary import load_vocabulary
from . import data, network, state
from .export import rows_to_excel
from .i18n import prop_name, t

_SAFE_URL = re.compile(r"^https?://[^\s<>\"'()\[\]]+$", re.IGNORECASE)


# Streamlit badge colours per status class (closed / open / failed / unknown)
BADGE_COLOURS = {"closed": "green", "open": "orange", "failed": "red", "unknown": "gray", "none": "gray"}


def lang() -> str:
    return state.lang()


def value_text(label: str, prop: str, value: Any) -> str:
    """A stored value as the reader says it: enum values by their declared names, lists joined, no None."""
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(value_text(label, prop, v) for v in value)
    if isinstance(value, bool):
        return t("yes" if value else "no", lang())
    if isinstance(value, float):
        return f"{value:g}"
    return load_schema().value_name(label, prop, value, lang())


def date_text(value: Any, language: str | None = None) -> str:
    """An ISO date as 2020年3月7日 (Chinese) or 2020-03-07 (English)."""
    text = str(value or "")[:10]
    if (language or lang()) == "en" or len(text) != 10 or text[4] != "-":
        return text
    return f"{int(text[:4])}年{int(text[5:7])}月{int(text[8:10])}日"


def readable(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None) -> list[dict[str, str]]:
    """Rows with declared column names and value names in the reader's language; blanks, not None."""
    _, out = load_vocabulary().readable_rows(rows, columns, lang())
    return out


def tr(key: str, **values: Any) -> str:
    return t(key, lang(), **values)


def md(text: Any) -> str:
    """Text shown through st.markdown without being read as Markdown or HTML (safetykg.output.md_escape)."""
    return md_escape(text)


def require_store() -> data.StoreHolder:
    """The shared store, or an explanation on the page and a stop."""
    holder = data.holder()
    try:
        holder.store()
    except NoGraphYet:
        st.error(tr("no_graph"))
        st.stop()
    except Exception as exc:  # engine unreachable, bad credentials, locked store
        st.error(f"{tr('store_error')} ({holder.config.describe()}): {exc}")
        st.stop()
    return holder


def source_link(source_id: str, sources: Mapping[str, Mapping[str, Any]]) -> str:
    source = sources.get(source_id)
    if source is None:
        return md(source_id)
    title = md(source.get("title") or source_id)
    extra = ", ".join(md(v) for v in (source.get("doc_no"), source.get("publisher"), source.get("published_date")) if v)
    text = f"{title}（{extra}）" if extra else title
    url = str(source.get("url") or "")
    return f"[{text}]({url})" if _SAFE_URL.match(url) else text


def source_links(ids: Iterable[str], sources: Mapping[str, Mapping[str, Any]]) -> str:
    return "；".join(source_link(i, sources) for i in ids)


def download_table(
    rows: Sequence[Mapping[str, Any]], basename: str, key: str, columns: Sequence[str] | None = None
) -> None:
    """CSV, Excel and Markdown with the reader's headers and value names; JSON keeps identifiers, for programs."""
    plain = [dict(r) for r in rows]
    people = readable(plain, columns)
    files = (
        ("CSV", to_csv(people).encode("utf-8-sig"), "csv", "text/csv"),
        ("Excel", rows_to_excel(people, basename), "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("JSON", to_json(plain).encode("utf-8"), "json", "application/json"),
        ("Markdown", to_markdown(people).encode("utf-8"), "md", "text/markdown"),
    )
    for column, (caption, payload, suffix, mime) in zip(st.columns(len(files)), files, strict=True):
        column.download_button(
            caption, payload, f"{basename}.{suffix}", mime, key=f"{key}-{suffix}", on_click="ignore"
        )


def picture(
    graph: nx.MultiDiGraph,
    *,
    colour_by: str = "label",
    limit: int = network.DEFAULT_LIMIT,
    center: str | None = None,
    height: int = 560,
    reserve: nx.MultiDiGraph | None = None,
) -> network.Picture:
    """Draw a graph on the page (offline pyvis in an iframe), with the cut-down note and the legend."""
    with st.spinner(tr("drawing")):
        shown = network.render(graph, lang=lang(), colour_by=colour_by, limit=limit, center=center, height=height,
                               reserve=reserve)
    if shown.note:
        st.warning(shown.note)
    st.caption(tr("graph_size", n=shown.shown_nodes, m=shown.shown_edges))
    network.show(shown.html, height=height + 110)
    return shown


def table(rows: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
    """A table as given (its headers already the reader's); None cells shown blank."""
    if rows:
        st.dataframe([{k: ("" if v is None else v) for k, v in dict(r).items()} for r in rows],
                     width="stretch", hide_index=True, **kwargs)
    else:
        st.info(tr("no_rows"))


def readable_table(rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, **kwargs: Any) -> None:
    """Query or audit rows with declared column names and value names."""
    table(readable(rows, columns), **kwargs)


def entity_href(node: str) -> str:
    """The entity page of a node (`Label:key`), as a link relative to the app."""
    return f"entity?id={quote(node, safe=':')}"


def network_href(node: str) -> str:
    return f"network?node={quote(node, safe=':')}"


def entity_link(node: str, name: str) -> str:
    return f"[{md(name)}]({entity_href(node)})"


def counts_table(node: str, lang: str) -> None:
    """Published accountability counts of an accident beside how many the graph names (问责 49 · 图中已列 k)."""
    accident_id = node.split(":", 1)[1] if node.startswith("Accident:") else node
    lines = data.accountability_counts(accident_id)
    st.subheader(tr("published_vs_named"))
    if not lines:
        st.info(tr("no_counts"))
        return

    def named(value: Any) -> str:
        return tr("not_matchable") if value is None else str(value)

    measure = "measure_en" if lang == "en" else "measure_zh"
    summary = [f"{c[measure]} {c['published']} · {tr('named')} {named(c['named'])}" for c in lines if not c["within_id"]]
    st.markdown(" ｜ ".join(f"**{md(s)}**" for s in summary))
    sources = data.sources()
    table([
        {
            prop_name("AccountabilityCount", "measure", lang): ("└ " if c["within_id"] else "") + str(c[measure]),
            tr("published"): str(c["published"]),
            tr("named"): named(c["named"]),
            prop_name("AccountabilityCount", "grade", lang): c["grade"] or "",
            prop_name("AccountabilityCount", "stated_date", lang): c["stated_date"] or "",
            tr("sources"): "；".join(str(sources.get(s, {}).get("title") or s) for s in c["sources"]),
        }
        for c in lines
    ])


def plain_value(value: Any) -> str:
    """A parameter value as text (dates ISO, lists joined)."""
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    return "" if value is None else str(value)


def picture_details(graph: nx.MultiDiGraph, max_sources: int = 30) -> list[str]:
    """Lines for an exported picture's head: when it was made and the sources its nodes and links cite."""
    import datetime as dt

    ids: set[str] = set()
    for _, attrs in graph.nodes(data=True):
        ids.update(id_items(attrs.get("source_ids")))
    for _, _, attrs in graph.edges(data=True):
        ids.update(id_items(attrs.get("source_ids")))
    known = data.sources()
    lines = [tr("made_on", day=dt.date.today().isoformat())]
    titles = []
    for source_id in sorted(ids)[:max_sources]:
        source = known.get(source_id, {})
        extra = "，".join(str(v) for v in (source.get("doc_no"), source.get("publisher")) if v)
        titles.append(f"{source.get('title') or source_id}" + (f"（{extra}）" if extra else ""))
    if titles:
        more = f" {tr('and_more', n=len(ids) - max_sources)}" if len(ids) > max_sources else ""
        lines.append(tr("sources") + "：" + "；".join(titles) + more)
    return lines
