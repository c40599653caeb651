"""Small Streamlit helpers shared by the pages: language, store checks, links, downloads, pictures."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx
import streamlit as st

from ..graph.errors import NoGraphYet
from ..output import to_csv, to_json, to_markdown
from . import data, network
from .export import rows_to_excel
from .i18n import LANG_KEY, t

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~$])")
_SAFE_URL = re.compile(r"^https?://[^\s<>\"'()\[\]]+$", re.IGNORECASE)


def lang() -> str:
    return "en" if st.session_state.get(LANG_KEY) else "zh"


def tr(key: str, **values: Any) -> str:
    return t(key, lang(), **values)


def md(text: Any) -> str:
    """Text shown through st.markdown without being read as Markdown or HTML."""
    return _MD_SPECIAL.sub(r"\\\1", "" if text is None else str(text))


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


def download_table(rows: Sequence[Mapping[str, Any]], basename: str, key: str) -> None:
    """CSV, Excel, JSON and Markdown downloads of a table."""
    plain = [dict(r) for r in rows]
    files = (
        ("CSV", to_csv(plain).encode("utf-8-sig"), "csv", "text/csv"),
        ("Excel", rows_to_excel(plain, basename), "xlsx",
         "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("JSON", to_json(plain).encode("utf-8"), "json", "application/json"),
        ("Markdown", to_markdown(plain).encode("utf-8"), "md", "text/markdown"),
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
) -> network.Picture:
    """Draw a graph on the page (offline pyvis in an iframe), with the cut-down note and the legend."""
    with st.spinner(tr("drawing")):
        shown = network.render(graph, lang=lang(), colour_by=colour_by, limit=limit, center=center, height=height)
    if shown.note:
        st.warning(shown.note)
    st.caption(tr("graph_size", n=shown.shown_nodes, m=shown.shown_edges))
    network.show(shown.html, height=height + 110)
    return shown


def table(rows: Sequence[Mapping[str, Any]], **kwargs: Any) -> None:
    if rows:
        st.dataframe([dict(r) for r in rows], width="stretch", hide_index=True, **kwargs)
    else:
        st.info(tr("no_rows"))
