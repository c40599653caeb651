"""Derived enforcement facts: what `cross-province-accountability-breaks` would otherwise join the whole graph for.

At 1M accidents the audit compared the provinces of 1.4M enforcement assignments, each joined through
its investigation to its accident, only to keep ~2% of them (4.4 s), and counted all of them for its
denominator (2.2 s). Two properties, derived from the graph as RECURRENCE_OF is, let it read only what
it needs:

- `cross_province` on every Penalty and Discipline: true when some accident its investigation
  investigated lies in a province other than that of a department enforcing it, and no department of
  that province led or joined the investigation: the audit's condition, without its reference date.
  The audit reads the items that are true *or not derived yet* (null) and checks every one of them in
  full, so an item never derived costs time, never an answer.
- `enforcement_assignments` on every Accident: how many (investigation, item, enforcing department
  with a place code) paths start from it, the audit's denominator before the reference date and the
  accident's own place code are applied. The audit sums it where it is derived and counts the paths of
  the accidents where it is not.

A value goes stale when the graph it was read from changes, so every write path clears (sets to null)
the values its rows could change: `invalidate` takes what a batch touched. `refresh` derives every
null value again; `safetykg load` and the bulk loaders call it after their writes, with recurrence.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from .store import Store

ITEM_LABELS = ("Penalty", "Discipline")
ITEM_FLAG = "cross_province"
ACCIDENT_COUNT = "enforcement_assignments"

# Relationship types whose rows change a derived value, and which end they touch.
TOUCHING_RELATIONSHIPS = {
    "INVESTIGATED_BY": "investigation_to",
    "RECOMMENDS": "item_to",
    "ENFORCED_BY": "item_from",
    "LED_BY": "investigation_from",
    "MEMBER": "investigation_from",
}


@dataclass
class Touched:
    """The keys a write touched that derived enforcement values depend on.

    Accidents and departments count when their place code may have changed; investigations and items
    when one of their chain relationships was written."""

    accidents: set[str] = field(default_factory=set)
    departments: set[str] = field(default_factory=set)
    investigations: set[str] = field(default_factory=set)
    items: dict[str, set[str]] = field(default_factory=lambda: {label: set() for label in ITEM_LABELS})

    def add_relationship(self, rel_type: str, start: str, end: str, from_key: str, to_key: str) -> None:
        """Record one written relationship row (types that no derived value reads are ignored)."""
        role = TOUCHING_RELATIONSHIPS.get(rel_type)
        if role == "investigation_to":
            self.investigations.add(to_key)
        elif role == "investigation_from":
            self.investigations.add(from_key)
        elif role == "item_to" and end in self.items:
            self.items[end].add(to_key)
        elif role == "item_from" and start in self.items:
            self.items[start].add(from_key)

    def __bool__(self) -> bool:
        return bool(self.accidents or self.departments or self.investigations or any(self.items.values()))


def _reached(store: Store, keys: Iterable[str], start: str, step: str) -> set[str]:
    """Keys of the nodes one `step` away from the nodes `start` finds by key `k`.

    One hop per read, from a lookup by primary key, through OPTIONAL MATCH: LadybugDB plans a MATCH
    of several hops after an UNWIND as hash joins over the whole tables (0.6-1.7 s each at 1M
    accidents, for a batch of 1k)."""
    listed = sorted(set(keys))
    if not listed:
        return set()
    rows = store.run(
        f"UNWIND $keys AS k MATCH {start} OPTIONAL MATCH {step} WITH x WHERE x IS NOT NULL RETURN DISTINCT x.id AS k",
        {"keys": listed},
    )
    return {row["k"] for row in rows}


def invalidate(store: Store, touched: Touched) -> None:
    """Clear every derived value the touched keys could change, so `refresh` derives it again.

    Call inside the write's transaction: a failed write then leaves the old values with the old graph.
    The keys are followed out to the items and accidents whose values read them, then those are cleared
    by key."""
    if not touched:
        return
    investigations = touched.investigations | _reached(
        store, touched.accidents, "(a:Accident {id: k})", "(a)-[:INVESTIGATED_BY]->(x:Investigation)"
    ) | _reached(
        store, touched.departments, "(d:Department {id: k})", "(d)<-[:LED_BY|MEMBER]-(x:Investigation)"
    )
    items: dict[str, set[str]] = {}
    for label in ITEM_LABELS:
        items[label] = touched.items[label] | _reached(
            store, investigations, "(i:Investigation {id: k})", f"(i)-[:RECOMMENDS]->(x:{label})"
        ) | _reached(store, touched.departments, "(d:Department {id: k})", f"(x:{label})-[:ENFORCED_BY]->(d)")
        investigations |= _reached(
            store, items[label], f"(p:{label} {{id: k}})", "(x:Investigation)-[:RECOMMENDS]->(p)"
        )
    accidents = touched.accidents | _reached(
        store, investigations, "(i:Investigation {id: k})", "(x:Accident)-[:INVESTIGATED_BY]->(i)"
    )
    for label, keys in items.items():
        if keys:
            store.write(f"UNWIND $keys AS k MATCH (p:{label} {{id: k}}) SET p.{ITEM_FLAG} = NULL", {"keys": sorted(keys)})
    if accidents:
        store.write(
            f"UNWIND $keys AS k MATCH (a:Accident {{id: k}}) SET a.{ACCIDENT_COUNT} = NULL", {"keys": sorted(accidents)}
        )


# The flag of every null item, in one statement: an item is cross-province when one of its
# (accident, investigation, enforcing department) paths crosses a border that no department of the
# enforcing province took part in. A unit without a place code has no province: never cross.
_FLAG = """
MATCH (p:{label}) WHERE p.{flag} IS NULL{limit}
OPTIONAL MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation)-[:RECOMMENDS]->(p)-[:ENFORCED_BY]->(d:Department)
WHERE left(a.adcode, 2) <> left(d.adcode, 2)
  AND NOT EXISTS {{ MATCH (i)-[:LED_BY|MEMBER]->(x:Department) WHERE left(x.adcode, 2) = left(d.adcode, 2) }}
WITH p, count(d) AS crossing
SET p.{flag} = crossing > 0
RETURN count(*) AS n
"""

_COUNT = """
MATCH (a:Accident) WHERE a.{count} IS NULL{limit}
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Penalty)-[:ENFORCED_BY]->(d:Department)
WHERE d.adcode IS NOT NULL
WITH a, count(d) AS penalties
OPTIONAL MATCH (a)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(:Discipline)-[:ENFORCED_BY]->(e:Department)
WHERE e.adcode IS NOT NULL
WITH a, penalties, count(e) AS disciplines
SET a.{count} = penalties + disciplines
RETURN count(*) AS n
"""


@dataclass
class RefreshReport:
    items: int = 0
    accidents: int = 0


def refresh(store: Store) -> RefreshReport:
    """Derive every null value. An engine that wants bounded transactions (`derive_chunk`) gets the
    work in chunks of that many nodes, each its own statement; the embedded one does it in one."""
    limit = store.chunk_limit("p")
    report = RefreshReport()
    for label in ITEM_LABELS:
        report.items += store.write_in_chunks(_FLAG.format(label=label, flag=ITEM_FLAG, limit=limit))
    limit = store.chunk_limit("a")
    report.accidents = store.write_in_chunks(_COUNT.format(count=ACCIDENT_COUNT, limit=limit))
    return report
