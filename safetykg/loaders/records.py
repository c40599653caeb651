"""Reading record files (YAML, JSON, CSV) into raw records that remember where they came from.

Only reading happens here; what a record may contain is `validate.py`'s business.
Every raw record keeps its file and position so an error can point at it.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..graph.schema import Schema

RECORD_SUFFIXES = {".yaml", ".yml", ".json", ".csv"}
SECTIONS = ("sources", "nodes", "relationships")


@dataclass(frozen=True)
class RawRecord:
    file: Path
    index: int  # 1-based position within its section (CSV: data row number)
    section: str  # sources | nodes | relationships
    data: dict[str, Any]


class RecordFileError(ValueError):
    """A file that cannot be read as records at all (syntax, layout)."""


class _RecordYamlLoader(yaml.SafeLoader):
    """YAML without the implicit conversions that corrupt records.

    YAML 1.1 reads `05:30` as the integer 330, `2020-02-30` as a date that crashes the parser
    and `no` as False; here all stay strings and validation types them by the schema.
    """


_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_BOOL = "tag:yaml.org,2002:bool"  # YAML 1.1 also reads yes/no/on/off as booleans; the schema's types decide instead
_RecordYamlLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag not in (_INT, _FLOAT, _TIMESTAMP, _BOOL)]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_RecordYamlLoader.add_implicit_resolver(_INT, re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789"))
_RecordYamlLoader.add_implicit_resolver(
    _FLOAT, re.compile(r"^[-+]?(?:[0-9]+\.[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?$"), list("-+0123456789.")
)


def iter_record_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Files in a stable order, so errors and loads are reproducible."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in RECORD_SUFFIXES)
        elif path.is_file():
            yield path
        else:
            raise RecordFileError(f"{path}: 文件不存在 / no such file or directory")


def read_records(paths: Iterable[Path], schema: Schema) -> list[RawRecord]:
    records: list[RawRecord] = []
    for path in iter_record_files(paths):
        suffix = path.suffix.lower()
        if suffix == ".csv":
            records.extend(_read_csv(path, schema))
        else:
            records.extend(_read_document(path))
    return records


def _read_document(path: Path) -> list[RawRecord]:
    try:
        text = path.read_text(encoding="utf-8")
        document = json.loads(text) if path.suffix.lower() == ".json" else yaml.load(text, Loader=_RecordYamlLoader)
    except (yaml.YAMLError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise RecordFileError(f"{path}: 无法解析 / cannot parse: {exc}") from exc
    if document is None:
        return []
    if not isinstance(document, dict):
        raise RecordFileError(f"{path}: 顶层应为映射 / top level must be a mapping with {', '.join(SECTIONS)}")
    unknown = set(document) - set(SECTIONS)
    if unknown:
        raise RecordFileError(f"{path}: 未知段落 / unknown section(s): {', '.join(sorted(unknown))}")
    records = []
    for section in SECTIONS:
        items = document.get(section) or []
        if not isinstance(items, list):
            raise RecordFileError(f"{path}: section {section!r} must be a list")
        for index, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                raise RecordFileError(f"{path}: {section} #{index}: a record must be a mapping")
            records.append(RawRecord(path, index, section, dict(item)))
    return records


def _label_from_filename(path: Path, schema: Schema) -> str | None:
    stem = path.stem.lower()
    for name in schema.labels:
        if stem in (name.lower(), name.lower() + "s", name.lower() + "es"):
            return name
    return None


def _read_csv(path: Path, schema: Schema) -> list[RawRecord]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            fields = reader.fieldnames or []
            rows = list(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RecordFileError(f"{path}: 无法解析 / cannot parse CSV: {exc}") from exc
    if {"type", "from", "to"} <= set(fields):
        section = "relationships"
        default_label = None
    else:
        section = "nodes"
        default_label = None if "label" in fields else _label_from_filename(path, schema)
        if "label" not in fields and default_label is None:
            raise RecordFileError(
                f"{path}: CSV needs a `label` column (nodes), `type,from,to` columns (relationships), "
                "or a file name naming a label (e.g. regions.csv)"
            )
    records = []
    for index, row in enumerate(rows, start=1):
        data = {k: v for k, v in row.items() if k is not None and v not in (None, "")}
        if default_label:
            data.setdefault("label", default_label)
        for alias in ("source_id", "source_ids"):
            if alias in data:
                data["sources"] = data.pop(alias)
        records.append(RawRecord(path, index, section, data))
    return records
