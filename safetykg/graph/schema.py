"""The schema declaration (schema.yaml) as typed objects.

Everything that depends on the shape of the graph — DDL, constraints, validation,
docs, dashboard labels — asks this module, so the YAML stays the one place where
the shape is written down.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")
PROPERTY_TYPES = ("string", "int", "float", "bool", "date", "string_list")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Link:
    """A relationship derived from a property (e.g. `adcode` -> OCCURRED_IN -> Region)."""

    type: str
    to: str


@dataclass(frozen=True)
class Property:
    name: str
    type: str
    zh: str = ""
    en: str = ""
    required: bool = False
    enum: tuple[str, ...] = ()
    pattern: str | None = None
    minimum: float | None = None
    link: Link | None = None
    derived: bool = False

    @property
    def day_name(self) -> str | None:
        """Name of the integer day ordinal stored beside a date property."""
        if self.type != "date":
            return None
        if self.name == "date":
            return "day"
        if self.name.endswith("_date"):
            return self.name[: -len("_date")] + "_day"
        return self.name + "_day"


def stored_columns(properties: dict[str, Property]) -> list[tuple[str, str]]:
    """(column, type) pairs as stored: declared properties, each date followed by its day ordinal."""
    columns: list[tuple[str, str]] = []
    for prop in properties.values():
        columns.append((prop.name, prop.type))
        if prop.day_name:
            columns.append((prop.day_name, "int"))
    return columns


@dataclass(frozen=True)
class Label:
    name: str
    zh: str
    en: str
    key: str
    sourced: bool
    properties: dict[str, Property]
    stages: tuple[str, ...] = ()
    terminal_failure: str | None = None

    def stored_columns(self) -> list[tuple[str, str]]:
        return stored_columns(self.properties)


@dataclass(frozen=True)
class RelType:
    name: str
    zh: str
    en: str
    sourced: bool
    ends: tuple[tuple[str, str], ...]
    properties: dict[str, Property] = field(default_factory=dict)
    derived: bool = False

    def allows(self, start: str, end: str) -> bool:
        return (start, end) in self.ends

    def stored_columns(self) -> list[tuple[str, str]]:
        return stored_columns(self.properties)


@dataclass(frozen=True)
class Schema:
    version: int
    labels: dict[str, Label]
    relationships: dict[str, RelType]
    # label -> stored columns the saved audits filter on (a date property means its day ordinal)
    indexes: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def label(self, name: str) -> Label:
        return self.labels[name]

    def rel(self, name: str) -> RelType:
        return self.relationships[name]

    def links(self) -> list[tuple[Label, Property]]:
        return [(lab, p) for lab in self.labels.values() for p in lab.properties.values() if p.link]


def _property(name: str, spec: dict[str, Any]) -> Property:
    link_spec = spec.get("link")
    link = None
    if isinstance(link_spec, dict):
        link = Link(type=str(link_spec["type"]), to=str(link_spec["to"]))
    enum = spec.get("enum") or ()
    minimum = spec.get("min")
    return Property(
        name=name,
        type=str(spec["type"]),
        zh=str(spec.get("zh", "")),
        en=str(spec.get("en", "")),
        required=bool(spec.get("required", False)),
        enum=tuple(str(v) for v in enum),
        pattern=str(spec["pattern"]) if spec.get("pattern") else None,
        minimum=float(minimum) if isinstance(minimum, (int, float)) else None,
        link=link,
        derived=bool(spec.get("derived", False)),
    )


def parse_schema(document: dict[str, Any]) -> Schema:
    common_specs = document.get("common_properties") or {}
    assert isinstance(common_specs, dict)
    labels: dict[str, Label] = {}
    for name, spec in (document.get("labels") or {}).items():
        props = {k: _property(k, v) for k, v in spec["properties"].items()}
        for k, v in common_specs.items():
            props.setdefault(k, _property(k, v))
        labels[name] = Label(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            key=spec["key"],
            sourced=bool(spec.get("sourced", True)),
            properties=props,
            stages=tuple(spec.get("stages") or ()),
            terminal_failure=spec.get("terminal_failure"),
        )
    rels: dict[str, RelType] = {}
    for name, spec in (document.get("relationships") or {}).items():
        props = {k: _property(k, v) for k, v in (spec.get("properties") or {}).items()}
        for k, v in common_specs.items():
            props.setdefault(k, _property(k, v))
        rels[name] = RelType(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            sourced=bool(spec.get("sourced", True)),
            ends=tuple((str(a), str(b)) for a, b in spec["ends"]),
            properties=props,
            derived=bool(spec.get("derived", False)),
        )
    indexes: dict[str, tuple[str, ...]] = {}
    for name, props in (document.get("indexes") or {}).items():
        label = labels.get(str(name))
        by_name = label.properties if label else {}
        indexes[str(name)] = tuple(
            (by_name[p].day_name or p) if p in by_name else str(p) for p in (props or [])
        )
    return Schema(version=int(document.get("version", 1)), labels=labels, relationships=rels, indexes=indexes)


@lru_cache(maxsize=1)
def load_schema(path: Path = SCHEMA_PATH) -> Schema:
    with path.open(encoding="utf-8") as handle:
        document = yaml.safe_load(handle)
    schema = parse_schema(document)
    problems = check_schema(schema)
    if problems:
        raise ValueError(f"{path}: invalid schema: " + "; ".join(problems))
    return schema


def check_schema(schema: Schema) -> list[str]:
    """Invariants the rest of the code relies on; returned, not raised, so tests can list them."""
    problems: list[str] = []
    for label in schema.labels.values():
        if not IDENTIFIER.match(label.name):
            problems.append(f"label {label.name!r} is not an identifier")
        if label.key not in label.properties:
            problems.append(f"{label.name}: key {label.key!r} is not a property")
        elif not label.properties[label.key].required or label.properties[label.key].type != "string":
            problems.append(f"{label.name}: key {label.key!r} must be a required string")
        if not label.zh or not label.en:
            problems.append(f"{label.name}: needs zh and en names")
        if label.stages and "status" not in label.properties and "stage" not in label.properties:
            problems.append(f"{label.name}: stages declared without a status or stage property")
        for stage in label.stages:
            if f"{stage}_date" not in label.properties:
                problems.append(f"{label.name}: stage {stage!r} has no {stage}_date property")
        columns = [c for c, _ in label.stored_columns()]
        if len(columns) != len(set(columns)):
            problems.append(f"{label.name}: a derived day column collides with a property")
        for prop in label.properties.values():
            problems.extend(_check_property(f"{label.name}.{prop.name}", prop))
            if prop.link:
                rel = schema.relationships.get(prop.link.type)
                if rel is None:
                    problems.append(f"{label.name}.{prop.name}: link to unknown type {prop.link.type}")
                elif not rel.allows(label.name, prop.link.to):
                    problems.append(f"{label.name}.{prop.name}: {prop.link.type} does not allow {label.name}->{prop.link.to}")
    for indexed, wanted in schema.indexes.items():
        if indexed not in schema.labels:
            problems.append(f"indexes: unknown label {indexed}")
            continue
        stored = {c for c, _ in schema.labels[indexed].stored_columns()}
        problems.extend(f"indexes: {indexed}.{c} is not a stored column" for c in wanted if c not in stored)
    for rel in schema.relationships.values():
        if not IDENTIFIER.match(rel.name):
            problems.append(f"relationship {rel.name!r} is not an identifier")
        if not rel.zh or not rel.en:
            problems.append(f"{rel.name}: needs zh and en names")
        for start, end in rel.ends:
            for end_label in (start, end):
                if end_label not in schema.labels:
                    problems.append(f"{rel.name}: unknown endpoint label {end_label}")
        for prop in rel.properties.values():
            problems.extend(_check_property(f"{rel.name}.{prop.name}", prop))
    return problems


def _check_property(where: str, prop: Property) -> list[str]:
    problems = []
    if not IDENTIFIER.match(prop.name):
        problems.append(f"{where}: not an identifier")
    if prop.type not in PROPERTY_TYPES:
        problems.append(f"{where}: unknown type {prop.type}")
    if not prop.zh or not prop.en:
        problems.append(f"{where}: needs zh and en names")
    if prop.enum and prop.type != "string":
        problems.append(f"{where}: enum only on strings")
    return problems
