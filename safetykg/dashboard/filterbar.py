"""The filters in the sidebar, on every page: province, prefecture, year range, kind, severity.

Their values live in the URL (see state.py); every page asks `in_view()` which accidents
they leave, and narrows what it shows to those. The widgets' choices and the "n of N in view" line
come from accident groups (`facets()`), not from every accident, so they cost the same at 1M.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from ..graph.schema import load_schema
from . import data, state
from .i18n import t

ACCIDENTS = (
    "MATCH (a:Accident) RETURN a.id AS id, a.name AS name, a.date AS date, a.adcode AS adcode, a.kind AS kind, "
    "a.severity AS severity, a.deaths AS deaths, a.place AS place"
)
# Accidents grouped by everything the filters test (prefecture prefix, year, kind, severity): a national
# graph of a million accidents becomes some tens of thousands of groups, so the sidebar on every page and the
# overview never pull every accident into the page.
FACETS = (
    "MATCH (a:Accident) RETURN left(coalesce(a.adcode, ''), 4) AS adcode, left(coalesce(a.date, ''), 4) AS date, "
    "a.kind AS kind, a.severity AS severity, count(*) AS n, sum(coalesce(a.deaths, 0)) AS deaths"
)
REGIONS = "MATCH (r:Region) WHERE r.level IN ['province', 'prefecture'] RETURN r.adcode AS adcode, r.name AS name, r.level AS level"


def accidents() -> list[dict[str, Any]]:
    return data.rows(ACCIDENTS)


def facets() -> list[dict[str, Any]]:
    """Accident groups shaped like accident rows for `Filters.accepts` (adcode = the prefecture's 4 digits,
    date = the year), each with its number of accidents `n` and their `deaths`."""
    return data.rows(FACETS)


def count_in_view(groups: list[dict[str, Any]], current: state.Filters) -> int:
    return sum(int(g["n"]) for g in groups if current.accepts(g))


def regions() -> tuple[dict[str, str], dict[str, str]]:
    """(province 2-digit prefix -> name, prefecture 4-digit prefix -> name)."""
    provinces: dict[str, str] = {}
    prefectures: dict[str, str] = {}
    for row in data.rows(REGIONS):
        code = str(row["adcode"])
        if row["level"] == "province":
            provinces.setdefault(code[:2], str(row["name"]))
        else:
            prefectures.setdefault(code[:4], str(row["name"]))
    return provinces, prefectures


def place_name(adcode: Any) -> str:
    """A region code as a reader says it: 省 + 市 names (the code itself only when nothing is known)."""
    code = str(adcode or "")
    if not code:
        return ""
    provinces, prefectures = regions()
    parts = [provinces.get(code[:2], ""), prefectures.get(code[:4], "")]
    text = "".join(p for p in parts if p)
    return text or code


def render_sidebar() -> state.Filters:
    """The filter widgets (in the sidebar); returns the filters in force."""
    lang = state.lang()
    provinces, prefectures = regions()
    found = facets()
    side = st.sidebar
    side.markdown(f"**{t('filters', lang)}**")
    codes = [""] + sorted(provinces)
    province = state.keep(
        "province", lambda key: side.selectbox(
            t("province", lang), codes, format_func=lambda c: provinces.get(c, t("any_province", lang)), key=key),
        default="", url=True, options=codes,
    )
    pref_codes = [""] + sorted(c for c in prefectures if province and c.startswith(province))
    state.keep(
        "prefecture", lambda key: side.selectbox(
            t("prefecture", lang), pref_codes, format_func=lambda c: prefectures.get(c, t("any_prefecture", lang)),
            key=key, disabled=not province),
        default="", url=True, options=pref_codes,
    )
    years = sorted({str(r["date"])[:4] for r in found if r.get("date")})
    year_options = [""] + years
    cols = side.columns(2)
    state.keep(
        "year_from", lambda key: cols[0].selectbox(
            t("year_from", lang), year_options, format_func=lambda y: y or t("any", lang), key=key),
        default="", url=True, options=year_options,
    )
    state.keep(
        "year_to", lambda key: cols[1].selectbox(
            t("year_to", lang), year_options, format_func=lambda y: y or t("any", lang), key=key),
        default="", url=True, options=year_options,
    )
    kinds = [""] + sorted({str(r["kind"]) for r in found if r.get("kind")})
    state.keep(
        "kind", lambda key: side.selectbox(
            t("kind", lang), kinds, format_func=lambda k: k or t("any", lang), key=key),
        default="", url=True, options=kinds,
    )
    schema = load_schema()
    severities = ["", *schema.label("Accident").properties["severity"].enum]
    state.keep(
        "severity", lambda key: side.selectbox(
            t("severity_acc", lang), severities,
            format_func=lambda s: schema.value_name("Accident", "severity", s, lang) if s else t("any", lang), key=key),
        default="", url=True, options=severities,
    )
    current = state.filters()
    if current.active:
        side.caption(t("in_view", lang, n=count_in_view(found, current), total=sum(int(g["n"]) for g in found)))
    return current


def in_view() -> set[str]:
    """Ids of the accidents the filters leave."""
    current = state.filters()
    return {str(r["id"]) for r in accidents() if current.accepts(r)}
