"""Checking raw records against the schema and turning them into rows ready to write.

The whole input is checked before anything is written, so a bad record means
nothing from that load reaches the graph. Every error names file, record and field.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..graph.schema import ID_DELIMITER, Property, RelType, Schema, id_items, joined_ids
from .records import RawRecord

EPOCH = dt.date(1970, 1, 1)
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)
# Record keys that are not properties, per section; a key of the other section is an error.
RESERVED = {
    "sources": {"sources"},
    "nodes": {"label", "sources"},
    "relationships": {"type", "from", "to", "from_label", "to_label", "sources"},
}
INTEGER = re.compile(r"[+-]?[0-9]+", re.ASCII)
DECIMAL = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?", re.ASCII)
# Thousands separators are accepted only where they group thousands: "1,234" but never "3,4" (-> 34).
GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]*)?", re.ASCII)
MAX_STRING_CHARS = 100_000  # per text value; the longest shipped summary is a few hundred characters
# Characters a text value may not contain: C0/C1 controls other than tab and line breaks (NUL
# included) and the bidirectional overrides and isolates that make a name display as something else.
_FORBIDDEN_TEXT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_LINE_BREAK = re.compile("[\n\r\x85\u2028\u2029]")
# A callable the validator uses to find ids it did not see in this input (ids already in the graph).
KeyLookup = Callable[[str, list[str]], set[str]]


@dataclass(frozen=True)
class LoadError:
    file: Path
    index: int
    section: str
    record_id: str | None
    field: str | None
    reason: str

    def __str__(self) -> str:
        who = f"{self.section} #{self.index}"
        if self.record_id:
            who += f" (id={self.record_id})"
        where = f": field '{self.field}'" if self.field else ""
        return f"{self.file}: {who}{where}: {self.reason}"


@dataclass
class Batch:
    """Validated rows, grouped the way the store writes them; duplicates merged."""

    nodes: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: defaultdict(dict))
    relationships: dict[tuple[str, str, str], dict[tuple[str, str], dict[str, Any]]] = field(
        default_factory=lambda: defaultdict(dict)
    )
    errors: list[LoadError] = field(default_factory=list)

    def node_count(self) -> int:
        return sum(len(v) for v in self.nodes.values())

    def relationship_count(self) -> int:
        return sum(len(v) for v in self.relationships.values())


def day_ordinal(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - EPOCH).days


class _RecordCheck:
    """Collects the errors of one record so a record reports all its problems at once."""

    def __init__(self, record: RawRecord, record_id: str | None, errors: list[LoadError]) -> None:
        self.record = record
        self.record_id = record_id
        self.errors = errors
        self.ok = True

    def fail(self, field_name: str | None, reason: str) -> None:
        self.ok = False
        self.errors.append(
            LoadError(self.record.file, self.record.index, self.record.section, self.record_id, field_name, reason)
        )


def coerce(prop: Property, value: Any, check: _RecordCheck) -> Any:
    """Value in its stored type, or None after reporting why it cannot be."""
    name = prop.name
    if value is None:
        return None
    kind = prop.type
    try:
        if kind == "string_list":
            if isinstance(value, str):
                value = [v.strip() for v in value.split("|") if v.strip()]
            if not isinstance(value, list) or not all(
                isinstance(v, (str, int, float)) and not isinstance(v, bool) for v in value
            ):
                raise ValueError("expected a list of strings")
            return [_clean_text(str(v), one_line=True) for v in value]
        if kind == "date":
            if isinstance(value, dt.date):
                value = value.isoformat()
            if not isinstance(value, str):
                raise ValueError(f"not an ISO date (YYYY-MM-DD): {_shown(value)}")
            text = value.strip()
            if not ISO_DATE.fullmatch(text):
                raise ValueError(f"not an ISO date (YYYY-MM-DD): {value!r}")
            dt.date.fromisoformat(text)
            return text
        if kind == "int":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)) or (
                isinstance(value, float) and not value.is_integer()
            ):
                raise ValueError(f"not an integer: {_shown(value)}")
            number = int(_numeric_text(value, INTEGER, "an integer"))
            if not -(2**63) <= number < 2**63:
                raise ValueError(f"超出范围 / {_shown(number)} does not fit a 64-bit integer")
            _check_min(prop, number)
            return number
        if kind == "float":
            if isinstance(value, bool) or not isinstance(value, (int, float, str)):
                raise ValueError(f"not a number: {_shown(value)}")
            real = float(_numeric_text(value, DECIMAL, "a number"))
            if not math.isfinite(real):
                raise ValueError(f"not a finite number: {value!r}")
            _check_min(prop, real)
            return real
        if kind == "bool":
            if isinstance(value, bool):
                return value
            if not isinstance(value, (str, int)):
                raise ValueError(f"not a boolean: {_shown(value)}")
            lowered = str(value).strip().lower()
            if lowered in ("true", "yes", "1", "是"):
                return True
            if lowered in ("false", "no", "0", "否"):
                return False
            raise ValueError(f"not a boolean: {_shown(value)}")
        text = str(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value
        if not isinstance(text, str):
            raise ValueError(f"expected text, got {type(value).__name__}")
        text = _clean_text(text.strip(), one_line=prop.required or bool(prop.pattern) or bool(prop.enum))
        if prop.enum and text not in prop.enum:
            raise ValueError(f"{_shown(text)} is not one of {', '.join(prop.enum)}")
        if prop.pattern and not re.fullmatch(prop.pattern, text):
            raise ValueError(f"{_shown(text)} does not match {prop.pattern}")
        return text
    except (ValueError, TypeError, OverflowError, RecursionError) as exc:
        check.fail(name, str(exc))
        return None


def _shown(value: Any) -> str:
    """A value as an error message shows it: never megabytes, never a deep structure."""
    if isinstance(value, (list, dict, tuple, set)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _clean_text(text: str, one_line: bool) -> str:
    """Text as stored: refused if too long, if it hides control or bidi characters, or (for names,
    keys and codes) if it spans lines."""
    if len(text) > MAX_STRING_CHARS:
        raise ValueError(f"文本过长 / text too long: {len(text):,} characters (limit {MAX_STRING_CHARS:,})")
    bad = _FORBIDDEN_TEXT.search(text)
    if bad:
        raise ValueError(
            f"不允许的控制字符 / control or bidi character U+{ord(bad.group()):04X} at position {bad.start()}"
        )
    if one_line and _LINE_BREAK.search(text):
        raise ValueError("不允许换行 / a line break in a one-line value")
    return text


def _numeric_text(value: Any, shape: re.Pattern[str], what: str) -> Any:
    """Numbers from CSV cells or quoted YAML arrive as text; only plain digits (commas allowed) pass,
    so `nan`, `inf` and `1_000` never become numbers by Python's looser parsing."""
    if not isinstance(value, str):
        return value
    text = unicodedata.normalize("NFKC", value).strip()  # full-width digits read as the digits they are
    if GROUPED.fullmatch(text):
        text = text.replace(",", "")
    if not shape.fullmatch(text):
        raise ValueError(f"not {what}: {_shown(value)}")
    return text


def _check_min(prop: Property, number: float) -> None:
    if prop.minimum is not None and number < prop.minimum:
        raise ValueError(f"{number} is below the minimum {prop.minimum:g}")


def _sources_of(record: RawRecord, check: _RecordCheck, required: bool) -> list[str]:
    raw = record.data.get("sources")
    if isinstance(raw, str):
        raw = [s.strip() for s in raw.split("|") if s.strip()]
    if raw is None or raw == []:
        if required:
            check.fail("sources", "缺少来源 / no source cited: every fact needs at least one Source id")
        return []
    if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw):
        check.fail("sources", "expected a list of Source ids")
        return []
    if any(ID_DELIMITER in s for s in raw):
        # a relationship stores its sources as one string, ids joined by ';' (schema type id_list)
        check.fail("sources", f"a Source id may not contain {ID_DELIMITER!r}")
        return []
    return list(dict.fromkeys(raw))


def _properties(props: dict[str, Property], record: RawRecord, check: _RecordCheck) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for name in record.data:
        if name in RESERVED[record.section]:
            continue
        if name not in props or props[name].derived:
            check.fail(name, "未声明的属性 / property not declared in the schema")
    for prop in props.values():
        if prop.name == "source_ids" or prop.derived:
            continue
        value = coerce(prop, record.data.get(prop.name), check)
        given = record.data.get(prop.name) not in (None, "")
        if value is None and prop.required and not given:
            check.fail(prop.name, "必填 / required field is missing")
        row[prop.name] = value
        if prop.day_name:
            row[prop.day_name] = day_ordinal(value) if value else None
    return row


class Validator:
    """Validates a whole input against the schema and the graph already stored."""

    def __init__(self, schema: Schema, lookup: KeyLookup | None = None) -> None:
        self.schema = schema
        self.lookup = lookup

    def validate(self, records: Iterable[RawRecord]) -> Batch:
        batch = Batch()
        records = _reviewed(list(records), batch.errors)
        node_records = [r for r in records if r.section in ("sources", "nodes")]
        rel_records = [r for r in records if r.section == "relationships"]
        label_of: dict[str, str] = {}
        first_seen: dict[str, RawRecord] = {}
        pending_links: list[tuple[_RecordCheck, RelType, str, str, str, str, list[str]]] = []
        cited: list[tuple[_RecordCheck, str, str, list[str]]] = []

        for record in node_records:
            try:
                label_name = "Source" if record.section == "sources" else record.data.get("label")
                if not isinstance(label_name, str) or label_name not in self.schema.labels:
                    check = _RecordCheck(record, _guess_id(record), batch.errors)
                    check.fail("label", f"未知标签 / unknown label {_shown(label_name)}")
                    continue
                label = self.schema.labels[label_name]
                key_raw = record.data.get(label.key)
                if isinstance(key_raw, (list, dict, bool)) or key_raw is None or key_raw == "":
                    check = _RecordCheck(record, None, batch.errors)
                    check.fail(label.key, "缺少主键 / key is missing" if key_raw in (None, "") else
                               f"主键应为文本 / the key must be text, not {_shown(key_raw)}")
                    continue
                key = str(key_raw).strip()
                check = _RecordCheck(record, key, batch.errors)
                row = _properties(label.properties, record, check)
                sources = _sources_of(record, check, label.sourced)
                row["source_ids"] = sources
                if label.name == "Source" and not _locatable(row):
                    check.fail("url", "来源需有网址或文号(或官方文件的发文机关) / a Source needs a url, a doc_no, "
                                      "or for an official document with neither published, its issuing office")
                if not check.ok:
                    continue
                previous_label = label_of.get(key)
                if previous_label and previous_label != label.name:
                    check.fail(label.key, f"id already used by a {previous_label} in {first_seen[key].file}")
                    continue
                existing = batch.nodes[label.name].get(key)
                if existing is not None and existing != row:
                    check.fail(label.key, f"defined twice with different values (first in {first_seen[key].file})")
                    continue
                label_of[key] = label.name
                first_seen.setdefault(key, record)
                batch.nodes[label.name][key] = row
                for prop in label.properties.values():
                    if prop.link and row.get(prop.name):
                        rel = self.schema.relationships[prop.link.type]
                        pending_links.append((check, rel, label.name, key, prop.link.to, row[prop.name], sources))
                if sources:
                    cited.append((check, label.name, key, sources))
            except (TypeError, ValueError, AttributeError, RecursionError) as exc:  # a shape no rule foresaw
                _RecordCheck(record, _guess_id(record), batch.errors).fail(None, _malformed(exc))

        resolve = _Resolver(label_of, self.lookup, list(self.schema.labels))
        self._check_ids_unique_in_graph(batch, first_seen, resolve)
        for check, rel, start_label, start_key, end_label, end_key, sources in pending_links:
            if not resolve.exists(end_label, end_key):
                what = "未知行政区划代码 / unknown region code" if end_label == "Region" else f"unknown {end_label}"
                field_name = next(
                    p.name for p in self.schema.labels[start_label].properties.values()
                    if p.link and p.link.type == rel.name
                )
                check.fail(field_name, f"{what}: {end_key}")
                _drop_node(batch, start_label, start_key)
                continue
            self._add_rel(batch, rel, start_label, start_key, end_label, end_key, {}, sources)
        cites = self.schema.relationships["CITES"]
        for check, label_name, key, sources in cited:
            for source_id in sources:
                if not resolve.exists("Source", source_id):
                    check.fail("sources", f"未定义的来源 / unknown Source id {source_id!r}")
                    _drop_node(batch, label_name, key)
                    continue
                self._add_rel(batch, cites, label_name, key, "Source", source_id, {}, [])

        for record in rel_records:
            try:
                self._relationship(record, batch, resolve)
            except (TypeError, ValueError, AttributeError, RecursionError) as exc:
                _RecordCheck(record, None, batch.errors).fail(None, _malformed(exc))
        return batch

    def _check_ids_unique_in_graph(self, batch: Batch, first_seen: dict[str, RawRecord], resolve: _Resolver) -> None:
        """Ids are one space across labels: a new Enterprise may not take a stored Accident's id."""
        keys_by_label = {label: list(rows) for label, rows in batch.nodes.items() if rows}
        for key, other in resolve.stored_elsewhere(keys_by_label).items():
            label = next(name for name, keys in keys_by_label.items() if key in keys)
            record = first_seen[key]
            check = _RecordCheck(record, key, batch.errors)
            check.fail(self.schema.labels[label].key, f"编号已被占用 / id already used by a stored {other}")
            _drop_node(batch, label, key)

    def _relationship(self, record: RawRecord, batch: Batch, resolve: _Resolver) -> None:
        data = record.data
        ends = {name: data.get(name) for name in ("type", "from", "to", "from_label", "to_label")}
        check = _RecordCheck(record, None, batch.errors)
        for name, value in ends.items():
            if value is not None and not isinstance(value, (str, int)) or isinstance(value, bool):
                check.fail(name, f"应为文本 / expected text, not {_shown(value)}")
        if not check.ok:
            return
        start, end = str(data.get("from") or "").strip(), str(data.get("to") or "").strip()
        check.record_id = f"{data.get('type')} {start}->{end}"
        rel = self.schema.relationships.get(str(data.get("type")))
        if rel is None:
            check.fail("type", f"未知关系类型 / unknown relationship type {_shown(data.get('type'))}")
            return
        if rel.derived:
            check.fail("type", f"{rel.name} is derived by safetykg, not loaded")
            return
        linked = [f"{lab.name}.{p.name}" for lab, p in self.schema.links() if p.link and p.link.type == rel.name]
        if linked:
            check.fail("type", f"{rel.name} 由字段派生 / is derived from {', '.join(linked)}: set that field instead")
            return
        if not start or not end:
            check.fail("from" if not start else "to", "缺少端点 / endpoint id is missing")
            return
        start_label = resolve.label(start, data.get("from_label"), [a for a, _ in rel.ends])
        end_label = resolve.label(end, data.get("to_label"), [b for _, b in rel.ends])
        if start_label is None:
            self._endpoint_error(check, rel, "from", start, data.get("from_label"), [a for a, _ in rel.ends], resolve)
        if end_label is None:
            self._endpoint_error(check, rel, "to", end, data.get("to_label"), [b for _, b in rel.ends], resolve)
        if start_label is None or end_label is None:
            return
        if not rel.allows(start_label, end_label):
            allowed = ", ".join(f"{a}->{b}" for a, b in rel.ends)
            check.fail("type", f"{rel.name} does not allow {start_label}->{end_label} (allowed: {allowed})")
            return
        props = _properties(rel.properties, record, check)
        sources = _sources_of(record, check, rel.sourced)
        for source_id in sources:
            if not resolve.exists("Source", source_id):
                check.fail("sources", f"未定义的来源 / unknown Source id {source_id!r}")
        existing = batch.relationships[(rel.name, start_label, end_label)].get((start, end))
        for name, value in props.items():
            if existing is not None and value is not None and existing.get(name) not in (None, value):
                check.fail(name, f"this relationship is given twice with different values ({existing[name]!r} / {value!r})")
        if check.ok:
            self._add_rel(batch, rel, start_label, start, end_label, end, props, sources)

    def _endpoint_error(
        self, check: _RecordCheck, rel: RelType, side: str, key: str, declared: Any, allowed: list[str], resolve: _Resolver
    ) -> None:
        """Say why an endpoint did not resolve: absent, of a label the type does not allow, or mislabelled."""
        names = ", ".join(dict.fromkeys(allowed))
        if declared and str(declared) not in allowed:
            verb = "start at" if side == "from" else "end at"
            check.fail(side, f"{rel.name} 的端点不能是 / cannot {verb} a {_shown(declared)} (allowed: {names})")
            return
        actual = resolve.any_label(key)
        if actual is None:
            check.fail(side, f"未知节点 / no node with id {key!r}")
        elif declared and actual != str(declared):
            check.fail(side, f"{key!r} is a {actual}, not a {declared}")
        else:
            check.fail(side, f"端点标签不符 / {key!r} is a {actual}; {rel.name} {side} must be one of {names}")

    def _add_rel(
        self, batch: Batch, rel: RelType, start_label: str, start: str, end_label: str, end: str,
        props: dict[str, Any], sources: list[str],
    ) -> None:
        columns = {c: props.get(c) for c, _ in rel.stored_columns()}
        bucket = batch.relationships[(rel.name, start_label, end_label)]
        existing = bucket.get((start, end))
        if existing is None:
            bucket[(start, end)] = {"from_key": start, "to_key": end, **columns, "source_ids": joined_ids(sources)}
            return
        # the same link stated twice (e.g. by two files): keep every value given and every source cited
        existing.update({c: v for c, v in columns.items() if v is not None and c != "source_ids"})
        existing["source_ids"] = joined_ids([*id_items(existing["source_ids"]), *sources])

class _Resolver:
    """Finds the label of an id: in this input first, then (once per id) in the stored graph."""

    def __init__(self, label_of: dict[str, str], lookup: KeyLookup | None, labels: list[str]) -> None:
        self.label_of = label_of
        self.lookup = lookup
        self.labels = labels
        self._stored: dict[tuple[str, str], bool] = {}

    def any_label(self, key: str) -> str | None:
        """The label this id has in the input or the graph, whatever the relationship wanted."""
        if key in self.label_of:
            return self.label_of[key]
        return next((label for label in self.labels if self.exists(label, key)), None)

    def stored_elsewhere(self, keys_by_label: dict[str, list[str]]) -> dict[str, str]:
        """id -> the other label it already has in the stored graph (one query per pair of labels)."""
        if self.lookup is None:
            return {}
        found: dict[str, str] = {}
        for label, keys in keys_by_label.items():
            if not keys:
                continue
            for other in self.labels:
                if other != label:
                    for key in self.lookup(other, keys):
                        found.setdefault(key, other)
        return found

    def exists(self, label: str, key: str) -> bool:
        if self.label_of.get(key) == label:
            return True
        if self.lookup is None:
            return False
        if (label, key) not in self._stored:
            self._stored[(label, key)] = key in self.lookup(label, [key])
        return self._stored[(label, key)]

    def label(self, key: str, declared: Any, candidates: list[str]) -> str | None:
        if declared:
            if str(declared) not in candidates:
                return None
            return str(declared) if self.exists(str(declared), key) else None
        if key in self.label_of:
            return self.label_of[key]
        for label in dict.fromkeys(candidates):
            if self.exists(label, key):
                return label
        return None


def _drop_node(batch: Batch, label: str, key: str) -> None:
    batch.nodes[label].pop(key, None)


def _guess_id(record: RawRecord) -> str | None:
    for name in ("id", "adcode"):
        value = record.data.get(name)
        if isinstance(value, (str, int)) and value != "":
            return _shown(value).strip("'")
    return None


def _reviewed(records: list[RawRecord], errors: list[LoadError]) -> list[RawRecord]:
    """Extraction drafts carry review keys (`_fields`, …): undecided ones are errors, all are stripped."""
    from .extract.gate import review_problems

    out = []
    for record in records:
        clean, problems = review_problems(record.data)
        for field_name, reason in problems:
            errors.append(LoadError(record.file, record.index, record.section, _guess_id(record), field_name, reason))
        out.append(record if clean is record.data else RawRecord(record.file, record.index, record.section, clean))
    return out


def _malformed(exc: BaseException) -> str:
    return f"无法读取的记录 / malformed record ({type(exc).__name__}: {_shown(str(exc))})"


def _locatable(row: dict[str, Any]) -> bool:
    """A Source must let a reader find the document: a url or a 文号; an official notice or report whose
    office published neither is cited by issuing office and title (its `note` says what was searched)."""
    if row.get("url") or row.get("doc_no"):
        return True
    return bool(row.get("publisher")) and row.get("reliability") == "official" and row.get("kind") in (
        "notice", "report", "law")
