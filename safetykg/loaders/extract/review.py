"""The review step: accept, correct or reject each extracted field and each proposed match.

Operates on a draft as loaded from YAML. `apply_decisions` turns the decisions into records:
a rejected field is removed, a record whose key fields are rejected is dropped (with the links
and counts that point at it), an accepted match replaces the drafted node by the existing one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .gate import review_problems

DECIDED = ("accepted", "corrected", "rejected")
# a record cannot exist without these; rejecting one rejects the record
ESSENTIAL = {"Accident": ("date",), "AccountabilityCount": ("measure", "count"), "Finding": ("category",),
             "Discipline": ("kind",), "CriminalCase": ("stage",), "Penalty": ("kind",), "Person": ("name",),
             "Enterprise": ("name",)}


class ReviewError(ValueError):
    """A decision that names no such record or field."""


def records(draft: dict[str, Any]) -> Iterator[tuple[str, dict[str, Any]]]:
    for section in ("sources", "nodes", "relationships"):
        for record in draft.get(section) or []:
            yield section, record


def record_key(section: str, record: dict[str, Any]) -> str:
    if section == "relationships":
        return f"{record.get('type')}:{record.get('from')}->{record.get('to')}"
    return str(record.get("id"))


def accept_above(draft: dict[str, Any], threshold: float) -> int:
    """Accept every pending field and match at or above `threshold`; returns how many were accepted."""
    accepted = 0
    for _, record in records(draft):
        for entry in (record.get("_fields") or {}).values():
            if entry.get("status") == "pending" and float(entry.get("confidence", 0)) >= threshold:
                entry["status"] = "accepted"
                accepted += 1
        match = record.get("_match")
        if isinstance(match, dict) and match.get("status") == "pending" and float(match.get("score", 0)) >= threshold:
            match["status"] = "accepted"
            accepted += 1
    return accepted


def reject_pending(draft: dict[str, Any]) -> int:
    rejected = 0
    for _, record in records(draft):
        for entry in (record.get("_fields") or {}).values():
            if entry.get("status") == "pending":
                entry["status"] = "rejected"
                rejected += 1
        match = record.get("_match")
        if isinstance(match, dict) and match.get("status") == "pending":
            match["status"] = "rejected"
            rejected += 1
    return rejected


def decide(draft: dict[str, Any], path: str, action: str, value: Any = None) -> None:
    """`path` is RECORD_KEY/FIELD (e.g. ACC-2020-0829-141023/deaths) or RECORD_KEY/_match."""
    key, _, field_name = path.rpartition("/")
    if not key or not field_name:
        raise ReviewError(f"{path}: expected RECORD/FIELD")
    for section, record in records(draft):
        if record_key(section, record) != key:
            continue
        if field_name == "_match":
            match = record.get("_match")
            if not isinstance(match, dict):
                raise ReviewError(f"{path}: no match proposal on this record")
            match["status"] = "accepted" if action == "accept" else "rejected"
            return
        entry = (record.get("_fields") or {}).get(field_name)
        if entry is None:
            raise ReviewError(f"{path}: no extracted field {field_name!r} on {key}")
        if action == "accept":
            entry["status"] = "accepted"
        elif action == "reject":
            entry["status"] = "rejected"
        elif action == "correct":
            entry["status"], entry["value"] = "corrected", value
            record[field_name] = value
        else:
            raise ReviewError(f"unknown action {action!r}")
        return
    raise ReviewError(f"{path}: no record {key!r} in the draft")


def apply_decisions(draft: dict[str, Any]) -> dict[str, Any]:
    """Rejected fields removed, rejected records dropped, accepted matches merged into the existing nodes."""
    dropped: set[str] = set()
    renamed: dict[str, str] = {}
    for section, record in records(draft):
        fields = record.get("_fields") or {}
        for name, entry in list(fields.items()):
            if entry.get("status") != "rejected":
                continue
            if name in ESSENTIAL.get(str(record.get("label")), ()) or name == "link":
                dropped.add(record_key(section, record))
            record.pop(name, None)
        match = record.get("_match")
        if isinstance(match, dict) and match.get("status") == "accepted":
            renamed[str(record["id"])] = str(match["id"])
    changed = True
    while changed:  # dropping an accident drops what hangs on it
        changed = False
        for section, record in records(draft):
            key = record_key(section, record)
            if key in dropped:
                continue
            refs = [record.get("from"), record.get("to"), record.get("accident_id"), record.get("within_id")]
            if any(ref in dropped for ref in refs if ref):
                dropped.add(key)
                changed = True
    out: dict[str, Any] = {"sources": [], "nodes": [], "relationships": []}
    for section, record in records(draft):
        key = record_key(section, record)
        if key in dropped or (section == "nodes" and key in renamed):
            continue
        copy = dict(record)
        for ref in ("from", "to", "accident_id", "within_id"):
            if copy.get(ref) in renamed:
                copy[ref] = renamed[copy[ref]]
        if copy.get("within_id") and "within_id" in (copy.get("_fields") or {}) and \
                copy["_fields"]["within_id"].get("status") == "rejected":
            copy.pop("within_id")
        out[section].append(copy)
    out["sources"] = [s for s in out["sources"]]
    return out


def still_pending(draft: dict[str, Any]) -> list[str]:
    problems: list[str] = []
    for section, record in records(draft):
        _, found = review_problems(record)
        problems.extend(f"{record_key(section, record)}/{name}" for name, _ in found)
    return problems
