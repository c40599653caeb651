"""The schema declaration (schema.yaml) as typed objects.

Everything that depends on the shape of the graph — DDL, constraints, validation,
docs, dashboard labels — asks this module, so the YAML stays the one place where
the shape is written down.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

SCHEMA_PATH = Path(__file__).with_name("schema.yaml")
OTHER_COLOUR = "#AAAAAA"
_COLOUR = re.compile(r"^#[0-9A-Fa-f]{6}$")
PROPERTY_TYPES = ("string", "int", "float", "bool", "date", "string_list", "id_list")
ID_DELIMITER = ";"  # between the ids of an `id_list` value, as in the bulk files' lists
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
    names: str = ""  # the value_names group naming its enum values (default: the property's name)

    @property
    def value_group(self) -> str:
        return self.names or self.name

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
    colour: str = ""
    statuses: dict[str, str] = field(default_factory=dict)  # status value -> class (closed/open/failed/unknown)

    def stored_columns(self) -> list[tuple[str, str]]:
        return stored_columns(self.properties)

    def name_in(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

    @property
    def stage_dates(self) -> tuple[str, ...]:
        """The dated stages' properties in order (e.g. recommended_date, decided_date, executed_date)."""
        return tuple(f"{stage}_date" for stage in self.stages)

    def statuses_of(self, status_class: str) -> tuple[str, ...]:
        return tuple(v for v, c in self.statuses.items() if c == status_class)


@dataclass(frozen=True)
class StatusClass:
    """What a status means to a reader: closed, open (still moving), failed, unknown or none."""

    name: str
    zh: str
    en: str
    colour: str

    def name_in(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh


STATUS_PROPERTIES = ("checked_status", "status", "stage")  # the one deciding a colour first


@dataclass(frozen=True)
class RelType:
    name: str
    zh: str
    en: str
    sourced: bool
    ends: tuple[tuple[str, str], ...]
    properties: dict[str, Property] = field(default_factory=dict)
    derived: bool = False
    colour: str = ""

    def name_in(self, lang: str) -> str:
        return self.en if lang == "en" else self.zh

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
    status_classes: dict[str, StatusClass] = field(default_factory=dict)
    value_names: dict[str, dict[str, tuple[str, str]]] = field(default_factory=dict)

    def label(self, name: str) -> Label:
        return self.labels[name]

    # --- meaning: names and colours for readers (declared in schema.yaml, read everywhere) ---
    def label_name(self, label: str, lang: str = "zh") -> str:
        found = self.labels.get(label)
        return found.name_in(lang) if found else label

    def label_colour(self, label: str) -> str:
        found = self.labels.get(label)
        return found.colour if found and found.colour else OTHER_COLOUR

    def rel_colour(self, rel: str) -> str:
        found = self.relationships.get(rel)
        return found.colour if found and found.colour else ""

    def group_name(self, group: str, value: Any, lang: str = "zh") -> str:
        """A value's reader name within a value_names group; unnamed values are shown as they are."""
        if value is None:
            return ""
        names = self.value_names.get(group, {}).get(str(value))
        if names is None:
            return str(value)
        return names[1] if lang == "en" else names[0]

    def value_name(self, label: str, prop: str, value: Any, lang: str = "zh") -> str:
        """The reader's name of a property value (e.g. Penalty.status `not_executed` -> 未执行)."""
        owner = self.labels.get(label) or self.relationships.get(label)
        found = owner.properties.get(prop) if owner is not None else None
        group = found.value_group if found is not None else prop
        return self.group_name(group, value, lang)

    def status_class(self, label: str, status: Any) -> str:
        """closed / open / failed / unknown for a status value of `label`; none when there is no status."""
        if status in (None, ""):
            return "none"
        found = self.labels.get(label)
        if found is not None and str(status) in found.statuses:
            return found.statuses[str(status)]
        for other in self.labels.values():  # a status seen without its label (e.g. an audit column)
            if str(status) in other.statuses:
                return other.statuses[str(status)]
        return "unknown"

    def node_status_class(self, label: str, props: dict[str, Any]) -> str:
        """The class of an item: its latest check wins over its recorded status or stage."""
        for prop in STATUS_PROPERTIES:
            if props.get(prop):
                return self.status_class(label, props[prop])
        return "none"

    def status_colour(self, status_class: str) -> str:
        found = self.status_classes.get(status_class)
        return found.colour if found else OTHER_COLOUR

    def status_class_name(self, status_class: str, lang: str = "zh") -> str:
        found = self.status_classes.get(status_class)
        return found.name_in(lang) if found else status_class

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
        names=str(spec.get("names") or ""),
    )


def parse_schema(document: dict[str, Any]) -> Schema:
    common_specs = document.get("common_properties") or {}
    assert isinstance(common_specs, dict)
    rel_common_specs = {**common_specs, **(document.get("relationship_common_properties") or {})}
    labels: dict[str, Label] = {}
    for name, spec in (document.get("labels") or {}).items():
        props = _with_common(spec.get("properties"), common_specs)
        labels[name] = Label(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            key=spec["key"],
            sourced=bool(spec.get("sourced", True)),
            properties=props,
            stages=tuple(spec.get("stages") or ()),
            terminal_failure=spec.get("terminal_failure"),
            colour=str(spec.get("colour") or ""),
            statuses={
                str(value): str(cls) for cls, values in (spec.get("statuses") or {}).items() for value in values
            },
        )
    rels: dict[str, RelType] = {}
    for name, spec in (document.get("relationships") or {}).items():
        props = _with_common(spec.get("properties"), rel_common_specs)
        rels[name] = RelType(
            name=name,
            zh=spec["zh"],
            en=spec["en"],
            sourced=bool(spec.get("sourced", True)),
            ends=tuple((str(a), str(b)) for a, b in spec["ends"]),
            properties=props,
            derived=bool(spec.get("derived", False)),
            colour=str(spec.get("colour") or ""),
        )
    indexes: dict[str, tuple[str, ...]] = {}
    for name, props in (document.get("indexes") or {}).items():
        label = labels.get(str(name))
        by_name = label.properties if label else {}
        indexes[str(name)] = tuple(
            (by_name[p].day_name or p) if p in by_name else str(p) for p in (props or [])
        )
    classes = {
        str(name): StatusClass(str(name), str(c["zh"]), str(c["en"]), str(c["colour"]))
        for name, c in (document.get("status_classes") or {}).items()
    }
    value_names = {
        str(group): {str(v): (str(n["zh"]), str(n["en"])) for v, n in (values or {}).items()}
        for group, values in (document.get("value_names") or {}).items()
    }
    return Schema(
        version=int(document.get("version", 1)), labels=labels, relationships=rels,
        status_classes=classes, value_names=value_names, indexes=indexes,
    )


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
        problems.extend(_check_meaning(schema, label))
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
    problems.extend(check_meaning(schema))
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


STATUS_CLASSES = ("closed", "open", "failed", "unknown")


def _check_meaning(schema: Schema, label: Label) -> list[str]:
    """Colours, status classes and value names a reader relies on: every value named, every status classed."""
    problems: list[str] = []
    if not _COLOUR.match(label.colour):
        problems.append(f"{label.name}: needs a colour '#RRGGBB'")
    for prop in label.properties.values():
        group = schema.value_names.get(prop.value_group, {})
        for value in prop.enum:
            if value not in group:
                problems.append(f"{label.name}.{prop.name}: value {value!r} has no name in value_names.{prop.value_group}")
    for cls in set(label.statuses.values()):
        if cls not in STATUS_CLASSES:
            problems.append(f"{label.name}: status class {cls!r} is not one of {', '.join(STATUS_CLASSES)}")
    if label.stages:
        for prop_name in STATUS_PROPERTIES:
            status_prop = label.properties.get(prop_name)
            for value in status_prop.enum if status_prop else ():
                if value not in label.statuses:
                    problems.append(f"{label.name}.{prop_name}: value {value!r} is in no status class")
    return problems


def check_meaning(schema: Schema) -> list[str]:
    """Schema-wide meaning checks: status classes declared with colours, label colours distinct."""
    problems = [f"status class {c!r} missing" for c in (*STATUS_CLASSES, "none") if c not in schema.status_classes]
    colours = [lab.colour.upper() for lab in schema.labels.values()]
    if len(colours) != len(set(colours)):
        problems.append("two labels share a colour")
    for cls in schema.status_classes.values():
        if not _COLOUR.match(cls.colour):
            problems.append(f"status class {cls.name}: needs a colour '#RRGGBB'")
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
    if prop.type == "id_list" and prop.name != "source_ids":
        problems.append(f"{where}: id_list only for source_ids (the loader fills it from a record's `sources`)")
    return problems


def id_items(value: Any) -> list[str]:
    """The ids of a provenance value as a list, whichever way it is stored: a node's `source_ids` is a
    list, a relationship's an `id_list` (one string, ids joined by `;`; graphs written before that
    type hold lists on relationships too)."""
    if value is None or value == "":
        return []
    if isinstance(value, str):
        return [item for item in value.split(ID_DELIMITER) if item]
    return [str(item) for item in value]


def joined_ids(ids: Iterable[str]) -> str | None:
    """An `id_list` value: the ids, each once, in order, joined by `;` (None when there are none)."""
    unique = list(dict.fromkeys(ids))
    return ID_DELIMITER.join(unique) if unique else None


def _with_common(specs: dict[str, Any] | None, common_specs: dict[str, Any]) -> dict[str, Property]:
    """A label's or relationship type's own properties, then the common ones (source_ids, note) it does not redefine."""
    props = {k: _property(k, v) for k, v in (specs or {}).items()}
    for k, v in common_specs.items():
        props.setdefault(k, _property(k, v))
    return props
