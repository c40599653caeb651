"""What a view is: the language and the filters, kept in the URL (`st.query_params`) so a view
can be shared and reopened, and in the session so it survives moving between pages.

Widgets whose captions change with the language are keyed per language (`name__zh`,
`name__en`) and seeded from the kept value: a language switch makes fresh widgets that show
the same choice in the other language, instead of a widget that keeps an answer formatted for
the old one (the 事故 province box and the 网络 label filter lost their state that way).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

import streamlit as st

from .i18n import LANG_KEY

FILTER_PARAMS = ("province", "prefecture", "year_from", "year_to", "kind", "severity")
KEPT = "_skg_kept"  # session dict: name -> canonical value (not a widget key, so it outlives pages)
T = TypeVar("T")


def kept() -> dict[str, Any]:
    found = st.session_state.get(KEPT)
    if not isinstance(found, dict):
        found = {}
        st.session_state[KEPT] = found
    return found


def lang() -> str:
    return "en" if st.session_state.get(LANG_KEY) else "zh"


def adopt_url() -> None:
    """Before any widget: a URL's language and filters win; otherwise the session's go back into the URL.

    Moving between pages of the app clears the URL's query, so kept values are written back;
    opening a shared link carries them in.
    """
    store = kept()
    url_lang = st.query_params.get("lang")
    if url_lang in ("zh", "en") and store.get("_url_lang") != url_lang:
        st.session_state[LANG_KEY] = url_lang == "en"
        store["_url_lang"] = url_lang
    for name in FILTER_PARAMS:
        value = st.query_params.get(name)
        if value is None and store.get(f"filter.{name}"):
            st.query_params[name] = str(store[f"filter.{name}"])
            store[f"url.{name}"] = str(store[f"filter.{name}"])


def remember_lang() -> None:
    """After the toggle: the language in the URL (Chinese is the default and leaves it out)."""
    current = lang()
    kept()["_url_lang"] = current
    if current == "en":
        st.query_params["lang"] = "en"
    elif "lang" in st.query_params:
        del st.query_params["lang"]


def keep(
    name: str, make: Callable[[str], T], default: Any = None, url: bool = False, options: list[Any] | None = None
) -> T:
    """A widget made by `make(key)` whose value survives a language switch (and, with `url`, lives in the URL).

    `make` must not pass its own default (value/index/default): the kept value seeds the widget.
    Values kept in the URL are text (a select box of strings).
    """
    store = kept()
    slot = f"filter.{name}" if url else f"widget.{name}"
    key = f"{name}__{lang()}"
    if url:
        given = st.query_params.get(name)
        if given is not None and given != store.get(f"url.{name}"):  # a link brought a value
            store[slot] = given
            store[f"url.{name}"] = given
            st.session_state.pop(key, None)
    if key not in st.session_state:
        value = store.get(slot, default)
        if options is not None and value not in options:
            value = default
        st.session_state[key] = value
    value = make(key)
    store[slot] = value
    if url:
        text = "" if value is None else str(value)
        if text and text != str(default or ""):
            st.query_params[name] = text
            store[f"url.{name}"] = text
        else:
            if name in st.query_params:
                del st.query_params[name]
            store[f"url.{name}"] = None
    return value


@dataclass(frozen=True)
class Filters:
    """Province / prefecture (code prefixes), a year range, a kind and a severity; empty = any."""

    province: str = ""
    prefecture: str = ""
    year_from: int | None = None
    year_to: int | None = None
    kind: str = ""
    severity: str = ""

    @property
    def active(self) -> bool:
        return any((self.province, self.prefecture, self.year_from, self.year_to, self.kind, self.severity))

    def accepts(self, accident: dict[str, Any]) -> bool:
        """Whether an accident row (id, date, adcode, kind, severity) is in view."""
        code = str(accident.get("adcode") or "")
        if self.prefecture and not code.startswith(self.prefecture[:4]):
            return False
        if self.province and not code.startswith(self.province[:2]):
            return False
        year = _year(accident.get("date"))
        if self.year_from is not None and (year is None or year < self.year_from):
            return False
        if self.year_to is not None and (year is None or year > self.year_to):
            return False
        if self.kind and accident.get("kind") != self.kind:
            return False
        return not (self.severity and accident.get("severity") != self.severity)


def _year(value: Any) -> int | None:
    text = str(value or "")[:4]
    return int(text) if text.isdigit() else None


def _int(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.lstrip("-").isdigit() else None


def filters() -> Filters:
    """The filters in force, from the URL (or the session when the URL was cleared by page navigation)."""
    store = kept()

    def get(name: str) -> str:
        value = st.query_params.get(name)
        return str(value if value is not None else store.get(f"filter.{name}") or "")

    return Filters(
        province=get("province"), prefecture=get("prefecture"), year_from=_int(get("year_from")),
        year_to=_int(get("year_to")), kind=get("kind"), severity=get("severity"),
    )
