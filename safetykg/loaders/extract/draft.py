"""From a document to a draft in the loader's own record format, with per-field provenance beside it.

Each record carries `_fields`: for every extracted property the literal `span`, its `offset` in
the file as read (after decoding), the normalised `value`, a `confidence`, an optional `basis`
and `status: pending`. The loader strips these keys and refuses a record while any is pending
(see `gate.py`), so a reviewed draft loads as it is.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .accidents import find_accidents
from .accountability import AccidentLocator, find_counts, find_items
from .dates import find_dates, resolve_years
from .fields import Extracted, Field
from .places import Gazetteer, PlaceResolver
from .review_doc import find_recurrences, find_review
from .text import Document

PENDING = "pending"
SOURCE_FIELDS = ("title", "url", "doc_no", "published_date", "publisher", "kind")


@dataclass
class Draft:
    sources: list[dict[str, Any]] = field(default_factory=list)
    nodes: list[dict[str, Any]] = field(default_factory=list)
    relationships: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, list[dict[str, Any]]]:
        return {"sources": self.sources, "nodes": self.nodes, "relationships": self.relationships}


def _provenance(doc: Document, found: Field) -> dict[str, Any]:
    entry: dict[str, Any] = {"value": found.value, "confidence": round(found.confidence, 2), "status": PENDING}
    if found.start is not None and found.end is not None:
        entry["offset"] = found.start
        entry["span"] = doc.text[found.start:found.end]
    if found.basis:
        entry["basis"] = found.basis
    return entry


def _doc_date(meta: dict[str, str]) -> dt.date | None:
    raw = meta.get("published_date", "")
    match = re.match(r"(\d{4})[-年./](\d{1,2})[-月./](\d{1,2})", raw)
    if not match:
        return None
    try:
        return dt.date(int(match.group(1)), int(match.group(2)), int(match.group(3)))
    except ValueError:
        return None


def _source(doc: Document, meta: dict[str, str], source_id: str | None) -> dict[str, Any]:
    digest = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
    record: dict[str, Any] = {"id": source_id or f"SRC-EXT-{digest[:10].upper()}"}
    fields: dict[str, Any] = {}
    for name in SOURCE_FIELDS:
        value = meta.get(name)
        if not value:
            continue
        if name == "published_date":
            parsed = _doc_date(meta)
            if parsed is None:
                continue
            value = parsed.isoformat()
        record[name] = value
        entry: dict[str, Any] = {"value": value, "confidence": 1.0, "status": "accepted"}
        if name in doc.meta_spans and doc.meta.get(name) == meta.get(name):
            entry["offset"], entry["span"] = doc.meta_spans[name]
        else:
            entry["basis"] = "命令行选项 / given on the command line"
        fields[name] = entry
    missing = [n for n in ("title",) if not record.get(n)]
    if not (record.get("url") or record.get("doc_no")):
        missing.append("url|doc_no")
    record["_fields"] = fields
    record["_document"] = {"file": str(doc.path) if doc.path else None, "encoding": doc.encoding,
                           "sha256": digest, "chars": len(doc.text)}
    if missing:
        record["_needs_completion"] = missing
    return record


class _Ids:
    def __init__(self) -> None:
        self.used: dict[str, int] = defaultdict(int)

    def make(self, stem: str) -> str:
        self.used[stem] += 1
        return stem if self.used[stem] == 1 else f"{stem}-{self.used[stem]}"


def _node(doc: Document, record: Extracted, node_id: str, source_id: str, extra: dict[str, Any] | None = None,
          skip: tuple[str, ...] = ()) -> dict[str, Any]:
    node: dict[str, Any] = {"label": record.label, "id": node_id}
    provenance: dict[str, Any] = {}
    for name, found in record.fields.items():
        if name in skip:
            continue
        node[name] = found.value
        provenance[name] = _provenance(doc, found)
    node.update(extra or {})
    node["sources"] = [source_id]
    node["_fields"] = provenance
    return node


def _rel(kind: str, start: str, end: str, source_id: str, evidence: dict[str, Any] | None,
         props: dict[str, Any] | None = None) -> dict[str, Any]:
    rel: dict[str, Any] = {"type": kind, "from": start, "to": end, **(props or {}), "sources": [source_id]}
    rel["_fields"] = {"link": evidence} if evidence else {}
    return rel


def _link_evidence(doc: Document, found: Field | None, confidence: float) -> dict[str, Any] | None:
    if found is None:
        return None
    entry = _provenance(doc, Field(found.value, found.start, found.end, confidence, found.basis))
    entry["value"] = True
    return entry


def extract(doc: Document, gazetteer: Gazetteer, meta: dict[str, str] | None = None,
            source_id: str | None = None) -> Draft:
    """The whole chain this document states, as draft records (nothing is written anywhere)."""
    merged_meta = {**doc.meta, **{k: v for k, v in (meta or {}).items() if v}}
    norm = doc.norm
    body = doc.body_start
    doc_date = _doc_date(merged_meta)
    dates = [d for d in find_dates(norm) if d.start >= body]
    resolve_years(dates, norm[:], doc_date)
    resolver = PlaceResolver(gazetteer, [m for m in gazetteer.mentions(norm) if m.start >= body], norm)
    accidents = find_accidents(norm, doc.text, dates, resolver, {})
    accidents.sort(key=lambda a: a.anchor)
    source = _source(doc, merged_meta, source_id)
    sid = source["id"]
    draft = Draft(sources=[source])
    ids = _Ids()
    accident_ids: dict[int, str] = {}
    for accident in accidents:
        iso = str(accident.value("date"))
        place = accident.value("adcode") or "x"
        node_id = ids.make(f"ACC-{iso[:4]}-{iso[5:7]}{iso[8:10]}-{place}")
        accident_ids[id(accident)] = node_id
        if "name" not in accident.fields:
            region = gazetteer.regions.get(str(accident.value("adcode") or ""))
            kind = accident.value("kind") or ""
            date_field = accident.fields["date"]
            label = f"{region.name if region else ''}“{int(iso[5:7])}·{int(iso[8:10])}”{kind}事故"
            accident.set("name", label, date_field.start, date_field.end, 0.9, "按日期、地点和类别命名 / named from date, place and kind")
        draft.nodes.append(_node(doc, accident, node_id, sid))
    locate = AccidentLocator([(a.anchor, a) for a in accidents])
    counts = find_counts(norm, locate)
    count_ids: dict[int, str] = {}
    for count in counts:
        accident_id = accident_ids[id(count.accident)]  # type: ignore[attr-defined]
        node_id = ids.make(f"CNT-{accident_id[4:]}-{count.value('measure')}")
        count_ids[id(count)] = node_id
        parent = count.fields.get("within_id")
        if parent is not None:
            parent.value = count_ids.get(id(parent.value))
        name = f"{count.accident.value('name')}:{count.value('measure')} {count.value('count')}"  # type: ignore[attr-defined]
        draft.nodes.append(_node(doc, count, node_id, sid, {"name": name, "accident_id": accident_id}))
    _items(doc, draft, ids, find_items(norm, locate), accident_ids, sid)
    review = find_review(norm, merged_meta.get("title"))
    findings = find_recurrences(norm, accidents)
    if review is not None:
        review_id = ids.make(f"REV-{sid[4:]}")
        draft.nodes.append(_node(doc, review, review_id, sid))
        for accident in accidents:
            draft.relationships.append(_rel("REVIEWED", review_id, accident_ids[id(accident)], sid,
                                            _link_evidence(doc, accident.fields.get("date"), 0.85)))
    for finding in findings:
        earlier, later = finding.pair  # type: ignore[attr-defined]
        finding_id = ids.make(f"FND-{accident_ids[id(earlier)][4:]}-recur")
        draft.nodes.append(_node(doc, finding, finding_id, sid))
        evidence = _link_evidence(doc, finding.fields.get("category"), 0.9)
        for accident in (earlier, later):
            draft.relationships.append(_rel("CONCERNS", finding_id, accident_ids[id(accident)], sid, evidence))
        if review is not None:
            draft.relationships.append(_rel("FOUND", review_id, finding_id, sid, evidence))
    return draft


def _items(doc: Document, draft: Draft, ids: _Ids, items: list[Extracted], accident_ids: dict[int, str], sid: str) -> None:
    people: dict[str, str] = {}
    enterprises: dict[str, str] = {}
    seen: set[tuple[str, str, str]] = set()
    for item in items:
        accident_id = accident_ids[id(item.accident)]  # type: ignore[attr-defined]
        who = item.fields.get("person") or item.fields.get("target")
        key = (item.label, str(who.value if who else ""), str(item.value("kind") or item.value("stage")))
        if key in seen:
            continue
        seen.add(key)
        stem = {"Discipline": "DIS", "CriminalCase": "CC", "Penalty": "PEN"}[item.label]
        node_id = ids.make(f"{stem}-{accident_id[4:]}-{len(seen)}")
        what = item.value("kind") or item.value("stage")
        name = f"{who.value if who else ''}:{what}"
        draft.nodes.append(_node(doc, item, node_id, sid, {"name": name}, skip=("person", "target")))
        if who is None:
            continue
        evidence = _link_evidence(doc, who, who.confidence)
        if item.label in ("Discipline", "CriminalCase"):
            person_id = people.get(who.value)
            if person_id is None:
                person_id = ids.make(f"PER-{accident_id[4:]}-{len(people) + 1}")
                people[who.value] = person_id
                person = Extracted("Person")
                person.fields["name"] = who
                if item.label == "Discipline":
                    person.set("role", "official", who.start, who.end, 0.7, "受党纪政务处分者 / disciplined, so an official")
                draft.nodes.append(_node(doc, person, person_id, sid))
                draft.relationships.append(_rel("RESPONSIBLE_FOR", person_id, accident_id, sid, evidence))
            rel = "AGAINST" if item.label == "Discipline" else "DEFENDANT_IN"
            start, end = (node_id, person_id) if rel == "AGAINST" else (person_id, node_id)
            draft.relationships.append(_rel(rel, start, end, sid, evidence))
            if item.label == "CriminalCase":
                draft.relationships.append(_rel("LED_TO", accident_id, node_id, sid, evidence))
        else:
            enterprise_id = enterprises.get(who.value)
            if enterprise_id is None:
                enterprise_id = ids.make(f"ENT-{accident_id[4:]}-{len(enterprises) + 1}")
                enterprises[who.value] = enterprise_id
                enterprise = Extracted("Enterprise")
                enterprise.fields["name"] = who
                draft.nodes.append(_node(doc, enterprise, enterprise_id, sid))
                draft.relationships.append(_rel("RESPONSIBLE_FOR", enterprise_id, accident_id, sid, evidence))
            draft.relationships.append(_rel("AGAINST", node_id, enterprise_id, sid, evidence))
