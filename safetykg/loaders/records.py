"""Reading record files (YAML, JSON, CSV) into raw records that remember where they came from.

Only reading happens here; what a record may contain is `validate.py`'s business.
Every raw record keeps its file and position so an error can point at it.
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from ..graph.schema import Schema

RECORD_SUFFIXES = {".yaml", ".yml", ".json", ".csv"}
SECTIONS = ("sources", "nodes", "relationships")
# Limits that keep a hostile or broken file from exhausting memory or time (see docs/reliability.md).
MAX_FILE_BYTES = int(float(os.environ.get("SAFETYKG_MAX_FILE_MB", "64")) * 1024 * 1024)
MAX_YAML_VALUES = 1_000_000  # scalars and collections a YAML document may expand to through its aliases
MAX_NESTING = 32  # records are flat: document > section > record > list; anything deeper is refused


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


    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        """A key given twice in one mapping is refused, naming the key (PyYAML would keep the last)."""
        seen: dict[str, yaml.Node] = {}
        for key_node, _ in node.value:
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag == "tag:yaml.org,2002:merge":
                continue
            if key_node.value in seen:
                raise yaml.constructor.ConstructorError(
                    "while reading a record", node.start_mark,
                    f"重复的键 / duplicate key {key_node.value!r}", key_node.start_mark,
                )
            seen[key_node.value] = key_node
        return super().construct_mapping(node, deep=deep)

    def construct_document(self, node: yaml.Node) -> Any:
        _check_expansion(node)
        return super().construct_document(node)


def _check_expansion(root: yaml.Node) -> None:
    """Refuse alias bombs and cycles before anything is built: count what the aliases would expand to.

    PyYAML shares aliased nodes, so a 565-byte file can describe billions of values; every later
    step (validation, `str()` of a value) would expand them. Counting is memoised per node: linear.
    """
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node, depth: int) -> int:
        if depth > MAX_NESTING:
            raise yaml.YAMLError(f"嵌套过深 / nested deeper than {MAX_NESTING} levels at {node.start_mark}")
        if isinstance(node, yaml.ScalarNode):
            return 1
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise yaml.YAMLError(f"递归别名 / recursive alias at {node.start_mark}")
        active.add(key)
        children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
        total = 1
        for child in children:
            total += size(child, depth + 1)
            if total > MAX_YAML_VALUES:
                raise yaml.YAMLError(
                    f"别名展开过大 / aliases expand to more than {MAX_YAML_VALUES:,} values (alias bomb?) at {node.start_mark}"
                )
        active.discard(key)
        sizes[key] = total
        return total

    size(root, 0)


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


class _JsonObject(dict[str, Any]):
    """A JSON object that remembers keys given twice (json.loads would keep the last silently)."""

    duplicates: tuple[str, ...] = ()


def _json_object(pairs: list[tuple[str, Any]]) -> _JsonObject:
    obj = _JsonObject(pairs)
    if len(obj) != len(pairs):
        seen: set[str] = set()
        repeated: list[str] = []
        for key, _ in pairs:
            if key in seen:
                repeated.append(key)
            seen.add(key)
        obj.duplicates = tuple(repeated)
    return obj


def _check_size(path: Path) -> None:
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise RecordFileError(
            f"{path}: 文件过大 / file too large: {size:,} bytes (limit {MAX_FILE_BYTES:,}; "
            "split it, or raise SAFETYKG_MAX_FILE_MB)"
        )


def _parse(path: Path) -> Any:
    _check_size(path)
    try:
        # utf-8-sig: a byte-order mark (Windows editors add one) is accepted in every format alike
        text = path.read_text(encoding="utf-8-sig")
        if path.suffix.lower() == ".json":
            return json.loads(text, object_pairs_hook=_json_object, parse_constant=_no_constant)
        return yaml.load(text, Loader=_RecordYamlLoader)
    except RecursionError as exc:
        raise RecordFileError(f"{path}: 嵌套过深 / nested too deeply to be records") from exc
    except (yaml.YAMLError, ValueError, UnicodeDecodeError) as exc:  # JSONDecodeError is a ValueError
        raise RecordFileError(f"{path}: 无法解析 / cannot parse: {exc}") from exc


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _duplicate_keys(path: Path, where: str, mapping: Any) -> None:
    duplicates = getattr(mapping, "duplicates", ())
    if duplicates:
        raise RecordFileError(f"{path}: {where}: field {duplicates[0]!r}: 重复的键 / duplicate key {duplicates[0]!r}")


def _read_document(path: Path) -> list[RawRecord]:
    document = _parse(path)
    if document is None:
        return []
    if not isinstance(document, dict):
        raise RecordFileError(f"{path}: 顶层应为映射 / top level must be a mapping with {', '.join(SECTIONS)}")
    _duplicate_keys(path, "top level", document)
    unknown = {str(k) for k in document} - set(SECTIONS)
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
            _duplicate_keys(path, f"{section} #{index}", item)
            records.append(RawRecord(path, index, section, dict(item)))
    return records


_EXTRA_CELLS = "\x00extra"  # DictReader's key for cells beyond the header: never a column name


def _label_from_filename(path: Path, schema: Schema) -> str | None:
    stem = path.stem.lower()
    for name in schema.labels:
        if stem in (name.lower(), name.lower() + "s", name.lower() + "es"):
            return name
    return None


def _read_csv(path: Path, schema: Schema) -> list[RawRecord]:
    _check_size(path)
    try:
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle, restkey=_EXTRA_CELLS)
            fields = [f.strip() for f in reader.fieldnames or []]
            reader.fieldnames = fields
            rows = list(reader)
    except (csv.Error, UnicodeDecodeError) as exc:
        raise RecordFileError(f"{path}: 无法解析 / cannot parse CSV: {exc}") from exc
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise RecordFileError(f"{path}: header: field {repeated[0]!r}: 重复的列 / column given twice")
    for index, row in enumerate(rows, start=1):
        if row.get(_EXTRA_CELLS):
            raise RecordFileError(
                f"{path}: row #{index}: {len(fields) + len(row[_EXTRA_CELLS])} cells but {len(fields)} columns "
                "(a value with a comma must be quoted)"
            )
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
        data = {k: v for k, v in row.items() if k and k != _EXTRA_CELLS and v not in (None, "")}
        if default_label:
            data.setdefault("label", default_label)
        for alias in ("source_id", "source_ids"):
            if alias in data:
                data["sources"] = data.pop(alias)
        records.append(RawRecord(path, index, section, data))
    return records
