"""The dashboard's access to the graph: one read-only store per configuration, reopened when
the embedded store file changes, and query results cached per store version.

A version is the store's description and, for the embedded store, its files' newest change: a reload
of the graph is a new version and every cached answer is recomputed. A Neo4j server gives no such
stamp (other clients may write), so its version also changes every ten minutes, and answers older
than that are read again. The server prepares the default views of each version (prepared.py).

Store settings come from the environment (SAFETYKG_DATA_DIR, NEO4J_URI, NEO4J_USERNAME,
NEO4J_PASSWORD, NEO4J_DATABASE): `safetykg dashboard` passes its options through them.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import networkx as nx
import streamlit as st

from ..graph.nxgraph import to_networkx
from ..graph.store import Store, StoreConfig, open_store
from ..queries import coverage
from . import audits

T = TypeVar("T")

# How long a Neo4j server's answers are reused (it has no file stamp that says it changed).
SERVER_FRESH_S = 600


class StoreHolder:
    """A read-only store shared by all sessions; calls are serialised, the store reopened on change."""

    def __init__(self, config: StoreConfig) -> None:
        self.config = config
        self.lock = threading.RLock()
        self._store: Store | None = None
        self._stamp: float | None = None

    def stamp(self) -> float | None:
        """The embedded store's last modification (its files' newest mtime); None for Neo4j."""
        times = [p.stat().st_mtime for p in self.config.store_files() if p.exists()]
        return max(times) if times else None

    def version(self) -> str:
        stamp = self.stamp()
        if stamp is None:
            return f"{self.config.describe()}@t{int(time.time() // SERVER_FRESH_S)}"
        return f"{self.config.describe()}@{stamp}"

    def store(self) -> Store:
        with self.lock:
            stamp = self.stamp()
            if self._store is None or stamp != self._stamp:
                if self._store is not None:
                    self._store.close()
                    self._store = None
                self._store = open_store(self.config)
                self._stamp = stamp
            return self._store

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return self.store().run(query, dict(params or {}))

    def call(self, work: Callable[[Store], T]) -> T:
        with self.lock:
            return work(self.store())


def config_from_env() -> StoreConfig:
    return StoreConfig.from_env(read_only=True)


@st.cache_resource(show_spinner=False)
def _holder(describe: str, user: str | None, database: str | None) -> StoreHolder:
    return StoreHolder(config_from_env())


def holder() -> StoreHolder:
    config = config_from_env()
    return _holder(config.describe(), config.user, config.database)


# The `version` argument of the cached functions below is their cache key: the store's
# description and file stamp (or ten-minute period on a server), so a reload of the graph invalidates
# every cached answer; no time-to-live is needed beside it.
@st.cache_data(show_spinner=False, max_entries=512)
def _cached_rows(version: str, query: str, params_json: str) -> list[dict[str, Any]]:
    return holder().run(query, json.loads(params_json))


def rows(query: str, params: Mapping[str, Any] | None = None) -> list[dict[str, Any]]:
    """A parameterised read, cached until the store changes (or ten minutes for Neo4j)."""
    return _cached_rows(holder().version(), query, json.dumps(dict(params or {}), sort_keys=True, default=str))


@st.cache_resource(show_spinner=False, max_entries=2)
def _full_graph(version: str) -> nx.MultiDiGraph:
    return holder().call(to_networkx)


def full_graph() -> nx.MultiDiGraph:
    """The whole graph as networkx (shared, do not modify), rebuilt when the store changes."""
    return _full_graph(holder().version())


# Above this many nodes the dashboard does not build the whole graph in memory for a page that needs a
# few nodes' properties (an audit's picture names its nodes from the subgraph rows instead).
LARGE_GRAPH_NODES = 200_000


def graph_is_large() -> bool:
    return sum(counts()["labels"].values()) > LARGE_GRAPH_NODES


@st.cache_data(show_spinner=False, max_entries=4)
def _counts(version: str) -> dict[str, dict[str, int]]:
    return holder().call(lambda store: store.counts())


def counts() -> dict[str, dict[str, int]]:
    return _counts(holder().version())


SOURCES = (
    "MATCH (s:Source) RETURN s.id AS id, s.title AS title, s.url AS url, s.doc_no AS doc_no, "
    "s.publisher AS publisher, s.published_date AS published_date"
)


@st.cache_data(show_spinner=False, max_entries=4)
def _sources(version: str) -> dict[str, dict[str, Any]]:
    return {str(r["id"]): r for r in holder().run(SOURCES)}


def sources() -> dict[str, dict[str, Any]]:
    """Every source by id (title, URL, 文号, publisher, date), for naming what a fact cites."""
    return _sources(holder().version())


@st.cache_data(show_spinner=False, max_entries=64)
def _accountability_counts(version: str, accident_id: str) -> list[dict[str, Any]]:
    return holder().call(lambda store: coverage.accountability_counts(store, accident_id))


def accountability_counts(accident_id: str) -> list[dict[str, Any]]:
    """An accident's published counts, each with how many the graph names (None: no named counterpart)."""
    return _accountability_counts(holder().version(), accident_id)


@st.cache_data(show_spinner=False, max_entries=4)
def _coverage_summary(version: str) -> dict[str, Any]:
    return holder().call(coverage.coverage_totals)


def coverage_summary() -> dict[str, Any]:
    """How many accidents have an investigation and a published count (for the overview)."""
    return _coverage_summary(holder().version())


def _canonical(params: Mapping[str, Any]) -> str:
    return json.dumps(dict(params), sort_keys=True, default=str)


@st.cache_data(show_spinner=False, max_entries=256)
def _audit_page(version: str, audit_id: str, params_json: str, limit: int, offset: int) -> audits.AuditRun:
    audit = audits.get_audit(audit_id)
    return holder().call(lambda store: audits.page_run(store, audit, json.loads(params_json), limit, offset))


def audit_page(audit: audits.Audit, params: Mapping[str, Any], limit: int, offset: int = 0) -> audits.AuditRun:
    """A page of an audit's rows with its total and count (typed parameters, `audits.resolve`), cached per
    version: the overview's open items and the audit page's first page are one run."""
    return _audit_page(holder().version(), audit.id, _canonical(params), limit, offset)


@st.cache_data(show_spinner=False, max_entries=64)
def _audit_subgraph(version: str, audit_id: str, params_json: str) -> list[dict[str, Any]]:
    audit = audits.get_audit(audit_id)
    return holder().call(lambda store: audits.subgraph_rows(store, audit, json.loads(params_json)))


def audit_subgraph(audit: audits.Audit, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The edges of an audit's picture, cached per version."""
    return _audit_subgraph(holder().version(), audit.id, _canonical(params))


@st.cache_data(show_spinner=False, max_entries=32)
def _unjudged(version: str, label: str) -> int:
    return holder().call(lambda store: audits.unjudged(store, label))


def unjudged(label: str) -> int:
    """How many items of `label` no audit can place in time, cached per version."""
    return _unjudged(holder().version(), label)
