"""Bulk files: a graph as chunked CSV files, one set per label and per relationship type and ends.

The files are written once in the header format of `neo4j-admin database import full`
(`id:ID(Accident)`, `:START_ID(Accident)`, `deaths:int`, `mechanisms:string[]` with `;` between
list items, empty = no value), so the same directory feeds Neo4j's importer
(`tools/neo4j/neo4jctl import DIR`) and LadybugDB's `COPY … FROM (LOAD WITH HEADERS … FROM file)`.

Layout of DIR:

    manifest.json                      what each file holds: label or (type, start, end), columns
    nodes/<Label>.<n>.csv              rows of one label, at most `chunk_rows` per file
    rels/<TYPE>.<Start>.<End>.<n>.csv  rows of one relationship type between two labels

Writing keeps one open file per label/type: memory stays flat whatever the size of the graph.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .schema import Schema

ARRAY_DELIMITER = ";"
NEO4J_TYPES = {"string": "", "date": "", "int": ":int", "float": ":double", "bool": ":boolean", "string_list": ":string[]",
               "id_list": ""}
DEFAULT_CHUNK_ROWS = 500_000


class BulkFilesError(ValueError):
    """A bulk-files directory that cannot be read (no manifest, a column or label the schema lacks)."""


@dataclass(frozen=True)
class BulkFile:
    """One CSV file: the rows of a label (`label`) or of a relationship type (`type`, `start`, `end`)."""

    path: Path
    columns: tuple[tuple[str, str], ...]  # (name, schema type), key/ends first
    rows: int
    label: str | None = None
    type: str | None = None
    start: str | None = None
    end: str | None = None

    def as_dict(self, root: Path) -> dict[str, Any]:
        return {
            "path": str(self.path.relative_to(root)), "columns": [list(c) for c in self.columns], "rows": self.rows,
            "label": self.label, "type": self.type, "start": self.start, "end": self.end,
        }


@dataclass
class BulkFiles:
    """What a bulk directory holds, node files first (relationships need their ends loaded)."""

    root: Path
    nodes: list[BulkFile] = field(default_factory=list)
    rels: list[BulkFile] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return sum(f.rows for f in (*self.nodes, *self.rels))

    @classmethod
    def read(cls, root: Path) -> BulkFiles:
        manifest = root / "manifest.json"
        if not manifest.is_file():
            raise BulkFilesError(f"{root}: no manifest.json (write it with `safetykg synthetic --out DIR`)")
        document = json.loads(manifest.read_text(encoding="utf-8"))
        found = cls(root)
        for kind in ("nodes", "rels"):
            for entry in document[kind]:
                item = BulkFile(
                    path=root / entry["path"], columns=tuple((str(a), str(b)) for a, b in entry["columns"]),
                    rows=int(entry["rows"]), label=entry.get("label"), type=entry.get("type"),
                    start=entry.get("start"), end=entry.get("end"),
                )
                getattr(found, kind).append(item)
        return found

    def check(self, schema: Schema) -> None:
        """Every file's label, type and columns exist in the schema, in its stored order."""
        for item in self.nodes:
            if item.label not in schema.labels:
                raise BulkFilesError(f"{item.path}: unknown label {item.label!r}")
            _same_columns(item, item.label, list(item.columns), schema.labels[item.label].stored_columns())
        for item in self.rels:
            rel = schema.relationships.get(item.type or "")
            if rel is None or not rel.allows(item.start or "", item.end or ""):
                raise BulkFilesError(f"{item.path}: unknown relationship {item.type}({item.start}->{item.end})")
            _same_columns(item, rel.name, list(item.columns[2:]), rel.stored_columns())

    def write_manifest(self) -> None:
        document = {
            "format": "neo4j-admin import CSV, array delimiter ';'",
            "nodes": [f.as_dict(self.root) for f in self.nodes],
            "rels": [f.as_dict(self.root) for f in self.rels],
        }
        (self.root / "manifest.json").write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")


def _same_columns(item: BulkFile, name: str, found: list[tuple[str, str]], declared: list[tuple[str, str]]) -> None:
    """Refuse a file whose columns are not the schema's, saying where they part, so files of an earlier
    release say so."""
    if found == declared:
        return
    where = f"{len(found)} columns in the files, {len(declared)} in the schema"
    for position, (have, want) in enumerate(zip(found, declared, strict=False)):  # lengths may differ
        if have != want:
            where = (f"column {position + 1} is {have[0]} ({have[1]}) in the files, {want[0]} ({want[1]}) in the "
                     "schema; files written by another version: write them again")
            break
    raise BulkFilesError(f"{item.path}: columns differ from the schema's {name}: {where}")


def header(columns: Sequence[tuple[str, str]], key: str | None = None, label: str | None = None,
           ends: tuple[str, str] | None = None) -> list[str]:
    """neo4j-admin header cells for a label's columns (`key` becomes the ID) or a relationship's."""
    cells = []
    for position, (name, kind) in enumerate(columns):
        if ends and position == 0:
            cells.append(f":START_ID({ends[0]})")
        elif ends and position == 1:
            cells.append(f":END_ID({ends[1]})")
        elif name == key:
            cells.append(f"{name}:ID({label})")
        else:
            cells.append(name + NEO4J_TYPES[kind])
    return cells


def cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (list, tuple)):
        return ARRAY_DELIMITER.join(str(v) for v in value)
    return str(value)


def parse_cell(text: str, kind: str) -> Any:
    """A CSV cell back to its value (the driver path reads the same files)."""
    if text == "":
        return None
    if kind == "int":
        return int(text)
    if kind == "float":
        return float(text)
    if kind == "bool":
        return text == "true"
    if kind == "string_list":
        return text.split(ARRAY_DELIMITER)
    return text


class _Chunked:
    """One label's or type's rows, rotated into a new file every `chunk_rows` rows."""

    def __init__(self, writer: BulkWriter, stem: str, columns: Sequence[tuple[str, str]], cells: list[str],
                 **meta: str | None) -> None:
        self.writer, self.stem, self.columns, self.cells, self.meta = writer, stem, tuple(columns), cells, meta
        self.handle: IO[str] | None = None
        self.out: Any = None
        self.count = 0
        self.part = 0

    def add(self, values: Sequence[Any]) -> None:
        if self.handle is None or self.count >= self.writer.chunk_rows:
            self.close()
            path = self.writer.root / f"{self.stem}.{self.part}.csv"
            path.parent.mkdir(parents=True, exist_ok=True)
            self.handle = path.open("w", encoding="utf-8", newline="")
            self.out = csv.writer(self.handle)
            self.out.writerow(self.cells)
            self.part += 1
        self.out.writerow([cell(v) for v in values])
        self.count += 1

    def close(self) -> None:
        if self.handle is None:
            return
        self.handle.close()
        path = Path(self.handle.name)
        entry = BulkFile(path=path, columns=self.columns, rows=self.count, **self.meta)
        (self.writer.files.rels if self.meta.get("type") else self.writer.files.nodes).append(entry)
        self.handle, self.count = None, 0


class BulkWriter:
    """Stream rows into a bulk directory: `node(label, row)`, `rel(type, start, end, from, to, row)`."""

    def __init__(self, schema: Schema, root: Path, chunk_rows: int = DEFAULT_CHUNK_ROWS) -> None:
        if root.exists() and any(root.iterdir()):
            raise BulkFilesError(f"{root} is not empty: bulk files are written once into a new directory")
        root.mkdir(parents=True, exist_ok=True)
        self.schema, self.root, self.chunk_rows = schema, root, chunk_rows
        self.files = BulkFiles(root)
        self._open: dict[tuple[str, ...], _Chunked] = {}

    def node(self, label: str, row: dict[str, Any]) -> None:
        sink = self._open.get((label,))
        if sink is None:
            spec = self.schema.labels[label]
            columns = spec.stored_columns()
            sink = _Chunked(self, f"nodes/{label}", columns, header(columns, spec.key, label), label=label)
            self._open[(label,)] = sink
        sink.add([row.get(name) for name, _ in sink.columns])

    def rel(self, rtype: str, start: str, end: str, from_key: str, to_key: str, row: dict[str, Any] | None = None) -> None:
        sink = self._open.get((rtype, start, end))
        if sink is None:
            columns = [("from_key", "string"), ("to_key", "string"), *self.schema.relationships[rtype].stored_columns()]
            sink = _Chunked(self, f"rels/{rtype}.{start}.{end}", columns, header(columns, ends=(start, end)),
                            type=rtype, start=start, end=end)
            self._open[(rtype, start, end)] = sink
        values = row or {}
        sink.add([from_key, to_key, *(values.get(name) for name, _ in sink.columns[2:])])

    def close(self) -> BulkFiles:
        for sink in self._open.values():
            sink.close()
        self._open.clear()
        self.files.nodes.sort(key=lambda f: str(f.path))
        self.files.rels.sort(key=lambda f: str(f.path))
        self.files.write_manifest()
        return self.files


def read_rows(item: BulkFile, batch: int) -> Iterator[list[dict[str, Any]]]:
    """A file's rows as dicts in batches (the driver path's input); keys `from_key`/`to_key` for relationships."""
    with item.path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle)
        next(reader)
        rows: list[dict[str, Any]] = []
        for record in reader:
            rows.append({name: parse_cell(text, kind) for (name, kind), text in zip(item.columns, record, strict=True)})
            if len(rows) >= batch:
                yield rows
                rows = []
        if rows:
            yield rows
