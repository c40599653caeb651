"""Widgets for an audit's declared parameters, shared by the audits and exports pages: captioned
with the parameter's declared name, typed by its declared type, kept across a language switch;
the runner coerces and checks what they give."""

from __future__ import annotations

import datetime as dt
from typing import Any

import streamlit as st

from . import audits, state
from .i18n import t


def widget(audit: audits.Audit, param: audits.AuditParam, lang: str) -> Any:
    """A widget of the parameter's declared type, captioned with its declared name; the runner coerces it."""
    caption = audits.param_caption(param, lang)
    help_text = param.description or None
    default = audits.default_of(param)

    def make(key: str) -> Any:
        if param.type == "date":
            return st.date_input(caption, min_value=dt.date(1949, 1, 1), key=key, help=help_text)
        if param.type == "int":
            return st.number_input(caption, step=1, key=key, help=help_text)
        if param.type == "list":
            return st.text_area(f"{caption} — {t('list_hint', lang)}", key=key, help=help_text)
        return st.text_input(caption, key=key, help=help_text)

    start = "\n".join(default) if param.type == "list" else default
    value = state.keep(f"audit.{audit.id}.{param.name}", make, default=start)
    if param.type == "list":
        return [line.strip() for line in str(value).splitlines() if line.strip()]
    return value


def param_widgets(audit: audits.Audit, lang: str) -> dict[str, Any]:
    """One widget per declared parameter; the same values on every page that runs this audit."""
    return {p.name: widget(audit, p, lang) for p in audit.params}
