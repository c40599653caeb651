"""Neo4j 5 through the official `neo4j` driver (py2neo is end-of-life and cannot speak to Neo4j 5).

`bolt://` talks to one server; `neo4j://` and `neo4j+s://` route, so a cluster or
Aura is only a different URI. Reads go through read transactions, which the server
refuses to let write.

Faults a user can act on leave this module as the store layer's neutral errors: an unreachable or
silent server as StoreUnavailable within CONNECT_TIMEOUT_S, refused or missing credentials as
AuthenticationFailed; no message carries the password. Single reads and writes run as the driver's
managed transactions, which retry transient errors (leader switch, deadlock) with back-off; an
explicit `transaction()` (a whole load) is not replayed: it rolls back and the load is re-run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager, suppress
from typing import Any

from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase, ManagedTransaction, Transaction
from neo4j.exceptions import AuthError, ConfigurationError, DriverError, Neo4jError, ServiceUnavailable, SessionExpired

from .ddl import neo4j_ddl
from .engines import redact_uri
from .errors import AuthenticationFailed, StoreConfigError, StoreUnavailable
from .readonly import assert_read_only
from .schema import Schema
from .store import Row, Store, StoreConfig, normalise_value

CONNECT_TIMEOUT_S = 4.0  # TCP connect plus Bolt handshake: a server that accepts and never answers fails in time
ACQUIRE_TIMEOUT_S = 5.0  # waiting for a pooled connection, including opening one
RETRY_TIME_S = 15.0  # how long managed transactions keep retrying transient errors
# Nodes per page of `iter_label_rows`. The driver spends 12-18 us of client CPU on each record it hands
# over (Rust extension installed), so a million-row read took 20 s; the same rows as the lists of pages
# of this many nodes took 2.6-3.1 s at 1M accidents (issue 12's analyze on Neo4j).
SCAN_PAGE = 20_000


class _Translated:
    """Turns the driver's connection and authentication errors into the store layer's neutral ones."""

    def __init__(self, config: StoreConfig) -> None:
        self.where = redact_uri(config.uri or "")
        self.password = config.password
        self.had_password = bool(config.password)

    def _clean(self, exc: BaseException) -> str:
        text = " ".join(str(getattr(exc, "message", None) or exc).split()) or type(exc).__name__
        return text.replace(self.password, "***") if self.password else text

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: object) -> None:
        if exc is None:
            return
        if isinstance(exc, AuthError):
            if not self.had_password:
                raise AuthenticationFailed(
                    f"Neo4j 需要密码 / the Neo4j server at {self.where} requires a password: "
                    "set NEO4J_PASSWORD (and NEO4J_USERNAME if not 'neo4j')"
                ) from None
            raise AuthenticationFailed(
                f"Neo4j 拒绝了用户名或密码 / the Neo4j server at {self.where} refused the user name or password "
                f"({self._clean(exc)}); check NEO4J_USERNAME and NEO4J_PASSWORD"
            ) from None
        if isinstance(exc, (ServiceUnavailable, SessionExpired, OSError)):
            raise StoreUnavailable(
                f"无法连接 Neo4j / cannot reach the Neo4j server at {self.where} "
                f"(no answer within {CONNECT_TIMEOUT_S:g} s, refused, or gone): {self._clean(exc)}"
            ) from None
        if isinstance(exc, ConfigurationError):
            raise StoreConfigError(f"Neo4j 设置有误 / bad Neo4j settings for {self.where}: {self._clean(exc)}") from None


class Neo4jStore(Store):
    engine = "neo4j"
    derive_chunk = 100_000

    def __init__(self, config: StoreConfig, schema: Schema | None = None) -> None:
        super().__init__(schema, config.batch_size)
        assert config.uri
        auth = (config.user or "neo4j", config.password) if config.password else None
        self.uri = config.uri
        self.database = config.database
        self.read_only = config.read_only
        self._translated = _Translated(config)
        self._tx: Transaction | None = None
        self._session: Any = None
        with self._translated:
            # Notifications (e.g. "property key does not exist" for optional properties the portable
            # queries read) are expected here and would drown the output.
            self._driver = GraphDatabase.driver(
                config.uri, auth=auth, notifications_min_severity="OFF", connection_timeout=CONNECT_TIMEOUT_S,
                connection_acquisition_timeout=ACQUIRE_TIMEOUT_S, max_transaction_retry_time=RETRY_TIME_S,
            )
        try:
            with self._translated:
                self._driver.verify_connectivity()
                if not self.read_only:
                    self.ensure_schema()
        except BaseException:
            self._driver.close()
            raise

    def ensure_schema(self) -> None:
        with self._translated:
            for statement in neo4j_ddl(self.schema):
                self._driver.execute_query(statement, database_=self.database)

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        def work(tx: ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params))]

        with self._translated:
            if self._tx is not None:
                return [record.data() for record in self._tx.run(query, dict(params))]
            with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
                return session.execute_read(work)

    def _write(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        if self.read_only:
            raise PermissionError("this store was opened read-only")
        if self._tx is not None:
            with self._translated:
                return [record.data() for record in self._tx.run(query, dict(params))]

        def work(tx: ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params))]

        with self._translated, self._driver.session(database=self.database, default_access_mode=WRITE_ACCESS) as session:
            return session.execute_write(work)

    def iter_label_rows(
        self, label: str, columns: Mapping[str, str], then: str = "", params: Mapping[str, Any] | None = None,
        in_key_order: bool = False,
    ) -> Iterator[Row]:
        """Pages of the label's nodes in key order (a seek of the key's unique index from the last key of the
        page before), each page's rows returned as one list of lists: one record per page instead of one per
        row. Always in key order. Every label's key is a required string (`check_schema`), so `>` orders
        them all and no node is skipped."""
        key = self.schema.labels[label].key
        names = list(columns)
        rest = (f" WITH collect(n) AS page RETURN size(page) AS taken, page[-1].{key} AS last, "
                f"COLLECT {{ UNWIND page AS n {then} RETURN [{', '.join(columns.values())}] }} AS rows")
        first = f"MATCH (n:{label}) WITH n ORDER BY n.{key} LIMIT $scan_page" + rest
        later = f"MATCH (n:{label}) WHERE n.{key} > $scan_after WITH n ORDER BY n.{key} LIMIT $scan_page" + rest
        assert_read_only(later)
        args = dict(params or {})
        after: Any = None
        while True:
            found = self._read(first if after is None else later, {**args, "scan_page": SCAN_PAGE, "scan_after": after})
            page = found[0]
            for values in page["rows"]:
                yield {name: normalise_value(value) for name, value in zip(names, values, strict=True)}
            if page["taken"] < SCAN_PAGE:
                return
            after = page["last"]

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx is not None:
            yield
            return
        with self._translated:
            self._session = self._driver.session(database=self.database, default_access_mode=WRITE_ACCESS)
            self._tx = self._session.begin_transaction()
        try:
            yield
        except BaseException:
            with suppress(Neo4jError, DriverError, OSError):  # a dead connection has rolled back already
                self._tx.rollback()
            raise
        else:
            with self._translated:
                self._tx.commit()
        finally:
            with suppress(Neo4jError, DriverError, OSError):
                self._tx.close()
            with suppress(Neo4jError, DriverError, OSError):
                self._session.close()
            self._tx = None
            self._session = None

    def server_version(self) -> str:
        rows = self._read("CALL dbms.components() YIELD name, versions, edition RETURN name, versions, edition", {})
        if not rows:
            return "Neo4j ?"
        row = rows[0]
        return f"{row['name']} {','.join(row['versions'])} {row['edition']}"

    def close(self) -> None:
        self._driver.close()
