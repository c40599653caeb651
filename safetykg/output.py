"""Formatting rows for people (table, Markdown) and programs (JSON, CSV)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Sequence
from typing import Any

from rich.console import Console
from rich.table import Table

FORMATS = ("table", "json", "csv", "md")

# A spreadsheet reads a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character CommonMark lets escape
_MD_LINE_BREAKS = re.compile("[\r\n\x85\u2028\u2029]+")


def neutralise_formula(text: str) -> str:
    """A CSV/Excel cell that cannot run as a formula: text starting with = + - @ TAB or CR (or their
    full-width forms) gets a leading apostrophe, as OWASP advises; plain numbers such as -5 stay numbers.
    Every CSV writer of safetykg calls this (query/audit/console downloads and `export --format csv`)."""
    if text.startswith(FORMULA_TRIGGERS) and not _NUMBER.fullmatch(text):
        return "'" + text
    return text


def md_escape(text: object) -> str:
    """Text shown through Markdown (Streamlit's st.markdown/st.header) as exactly that text: no link,
    heading, list, emphasis, HTML or :directive:, and on one line."""
    plain = "" if text is None else str(text)
    return _MD_PUNCTUATION.sub(r"\\\1", _MD_LINE_BREAKS.sub(" ", plain))


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "、".join(cell(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def columns_of(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> list[str]:
    if columns:
        return list(columns)
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(key, None)
    return list(seen)


def to_json(rows: Sequence[dict[str, Any]]) -> str:
    return json.dumps(list(rows), ensure_ascii=False, indent=2, default=str)


def to_csv(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    cols = columns_of(rows, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([neutralise_formula(c) for c in cols])
    for row in rows:
        writer.writerow([csv_cell(row.get(c)) for c in cols])
    return buffer.getvalue()


def csv_cell(value: Any) -> str:
    """A value as a CSV cell a spreadsheet shows as text: numbers as numbers, text never as a formula."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return cell(value)
    return neutralise_formula(cell(value))


def to_markdown(rows: Sequence[dict[str, Any]], columns: Sequence[str] | None = None) -> str:
    cols = columns_of(rows, columns)
    if not cols:
        return "_(无结果 / no rows)_\n"
    lines = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
    for row in rows:
        lines.append("| " + " | ".join(cell(row.get(c)).replace("|", "\\|").replace("\n", " ") for c in cols) + " |")
    return "\n".join(lines) + "\n"


def print_rows(
    rows: Sequence[dict[str, Any]], fmt: str, title: str | None = None, columns: Sequence[str] | None = None
) -> None:
    console = Console()
    if fmt == "json":
        print(to_json(rows))
    elif fmt == "csv":
        print(to_csv(rows, columns), end="")
    elif fmt == "md":
        if title:
            print(f"### {title}\n")
        print(to_markdown(rows, columns))
    else:
        table = Table(title=title, show_lines=False)
        cols = columns_of(rows, columns)
        for col in cols:
            table.add_column(col, overflow="fold")
        for row in rows:
            table.add_row(*(cell(row.get(c)) for c in cols))
        console.print(table)
        console.print(f"{len(rows)} 行 / rows")


def print_readable(
    rows: Sequence[dict[str, Any]], fmt: str, title: str | None = None, columns: Sequence[str] | None = None,
    lang: str = "zh",
) -> None:
    """Rows for people (table, CSV, Markdown) with declared column and value names; JSON keeps identifiers."""
    if fmt == "json":
        print_rows(rows, fmt, title=title, columns=columns)
        return
    from .queries.vocabulary import load_vocabulary

    headers, readable = load_vocabulary().readable_rows(rows, columns, lang)
    print_rows(readable, fmt, title=title, columns=headers)
