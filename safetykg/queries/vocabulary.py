"""Reader names for audit and query output: column headers and cell values, Chinese first.

The names are declared in `columns.yaml` beside this module (columns, parameters and the
value groups only audits use) and in `safetykg/graph/schema.yaml` (value groups of the
schema's enum properties, label and relationship names). Tables, CSV, Excel and Markdown
meant for people go through `readable_rows`; JSON keeps identifiers and raw values.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..graph.schema import Schema, load_schema

VOCABULARY_PATH = Path(__file__).with_name("columns.yaml")


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    en: str
    values: str = ""  # the value group naming its cells ('' = shown as they are)

    def name_in(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


@dataclass(frozen=True)
class Vocabulary:
    columns: dict[str, Column]
    params: dict[str, tuple[str, str]]
    value_names: dict[str, dict[str, tuple[str, str]]]
    schema: Schema

    def column(self, name: str) -> Column | None:
        return self.columns.get(name)

    def column_name(self, name: str, lang: str = "zh") -> str:
        """A header for people; an undeclared column is named from the schema's properties, else left as is."""
        found = self.columns.get(name)
        if found is not None:
            return found.name_in(lang)
        prop = name.rsplit(".", 1)[-1]
        for label in self.schema.labels.values():
            if prop in label.properties:
                spec = label.properties[prop]
                return spec.en if lang == "en" else spec.zh
        return name

    def param_name(self, name: str, lang: str = "zh") -> str:
        names = self.params.get(name)
        if names is None:
            return name
        return names[1] if lang == "en" else names[0]

    def group_name(self, group: str, value: Any, lang: str = "zh") -> str:
        if group == "label":
            return self.schema.label_name(str(value), lang)
        if group == "rel":
            found = self.schema.relationships.get(str(value))
            return found.name_in(lang) if found else str(value)
        local = self.value_names.get(group, {}).get(str(value))
        if local is not None:
            return local[1] if lang == "en" else local[0]
        return self.schema.group_name(group, value, lang)

    def cell(self, column: str, value: Any, lang: str = "zh") -> str:
        """A cell for people: blanks for nothing, lists joined with 、, named values in the reader's language."""
        if value is None:
            return ""
        if isinstance(value, Mapping):
            return node_text(value)
        if isinstance(value, (list, tuple)):
            return "、".join(text for text in (self.cell(column, v, lang) for v in value) if text)
        if isinstance(value, float):
            return f"{value:g}"
        found = self.columns.get(column)
        group = found.values if found is not None else ""
        if isinstance(value, bool) and not group:
            group = "bool"
        if group:
            return self.group_name(group, value, lang)
        return str(value)

    def readable_rows(
        self, rows: Sequence[Mapping[str, Any]], columns: Sequence[str] | None = None, lang: str = "zh"
    ) -> tuple[list[str], list[dict[str, str]]]:
        """(headers, rows keyed by header) with every cell as reader text, for tables and files people open."""
        cols = list(columns) if columns else _columns_of(rows)
        headers = _unique([self.column_name(c, lang) for c in cols])
        out = [{h: self.cell(c, row.get(c), lang) for c, h in zip(cols, headers, strict=True)} for row in rows]
        return headers, out


def node_text(value: Mapping[str, Any]) -> str:
    """A node or relationship returned whole by a query, as its name (or key) rather than a property dump."""
    for key in ("name", "title", "id", "adcode"):
        if value.get(key):
            return str(value[key])
    shown = {k: v for k, v in value.items() if not str(k).startswith("_") and v not in (None, "", [])}
    return "；".join(f"{k}={v}" for k, v in shown.items())


def _columns_of(rows: Sequence[Mapping[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for row in rows:
        for key in row:
            seen.setdefault(str(key), None)
    return list(seen)


def _unique(headers: list[str]) -> list[str]:
    """Two columns may share a reader name (e.g. a declared one and a property caption): number the repeats."""
    seen: dict[str, int] = {}
    result = []
    for header in headers:
        seen[header] = seen.get(header, 0) + 1
        result.append(header if seen[header] == 1 else f"{header}({seen[header]})")
    return result


def _names(spec: Mapping[str, Any]) -> tuple[str, str]:
    return str(spec["zh"]), str(spec["en"])


@lru_cache(maxsize=1)
def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle) or {}
    columns = {
        str(name): Column(str(name), str(spec["zh"]), str(spec["en"]), str(spec.get("values") or ""))
        for name, spec in (document.get("columns") or {}).items()
    }
    params = {str(name): _names(spec) for name, spec in (document.get("params") or {}).items()}
    value_names = {
        str(group): {str(value): _names(spec) for value, spec in (values or {}).items()}
        for group, values in (document.get("value_names") or {}).items()
    }
    return Vocabulary(columns=columns, params=params, value_names=value_names, schema=load_schema())
