"""What an extractor returns: records whose every field remembers the words it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Field:
    """One extracted value: the literal span [start, end) of the document, how sure, and why."""

    value: Any
    start: int | None
    end: int | None
    confidence: float
    basis: str | None = None  # e.g. "derived: thresholds of 条例 art. 3", "year from the document's date"


@dataclass
class Extracted:
    """A proposed node (label) or relationship (type/from/to) with its fields."""

    label: str
    fields: dict[str, Field] = field(default_factory=dict)
    anchor: int = 0  # where in the text it was found, for ordering and ids

    def set(self, name: str, value: Any, start: int | None, end: int | None, confidence: float,
            basis: str | None = None, overwrite: bool = False) -> None:
        if value is None or (name in self.fields and not overwrite):
            return
        self.fields[name] = Field(value, start, end, confidence, basis)

    def value(self, name: str) -> Any:
        found = self.fields.get(name)
        return None if found is None else found.value


@dataclass
class Link:
    """A proposed relationship between two extracted (or existing) records."""

    type: str
    source: Extracted
    target: Extracted
    fields: dict[str, Field] = field(default_factory=dict)
    evidence: Field | None = None
