"""Neo4j 5 through the official `neo4j` driver (py2neo is end-of-life and cannot speak to Neo4j 5).

`bolt://` talks to one server; `neo4j://` and `neo4j+s://` route, so a cluster or
Aura is only a different URI. Reads go through read transactions, which the server
refuses to let write.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from neo4j import READ_ACCESS, WRITE_ACCESS, GraphDatabase, ManagedTransaction, Transaction

from .ddl import neo4j_ddl
from .schema import Schema
from .store import Row, Store, StoreConfig


class Neo4jStore(Store):
    engine = "neo4j"

    def __init__(self, config: StoreConfig, schema: Schema | None = None) -> None:
        super().__init__(schema, config.batch_size)
        assert config.uri
        auth = (config.user or "neo4j", config.password) if config.password else None
        self.uri = config.uri
        self.database = config.database
        self.read_only = config.read_only
        # Notifications (e.g. "property key does not exist" for optional properties the portable
        # queries read) are expected here and would drown the output.
        self._driver = GraphDatabase.driver(config.uri, auth=auth, notifications_min_severity="OFF")
        self._driver.verify_connectivity()
        self._tx: Transaction | None = None
        self._session: Any = None
        if not self.read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        with self._driver.session(database=self.database) as session:
            for statement in neo4j_ddl(self.schema):
                session.run(statement).consume()

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        def work(tx: ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params))]

        if self._tx is not None:
            return [record.data() for record in self._tx.run(query, dict(params))]
        with self._driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
            return session.execute_read(work)

    def _write(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        if self.read_only:
            raise PermissionError("this store was opened read-only")
        if self._tx is not None:
            return [record.data() for record in self._tx.run(query, dict(params))]

        def work(tx: ManagedTransaction) -> list[Row]:
            return [record.data() for record in tx.run(query, dict(params))]

        with self._driver.session(database=self.database, default_access_mode=WRITE_ACCESS) as session:
            return session.execute_write(work)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._tx is not None:
            yield
            return
        self._session = self._driver.session(database=self.database, default_access_mode=WRITE_ACCESS)
        self._tx = self._session.begin_transaction()
        try:
            yield
        except BaseException:
            self._tx.rollback()
            raise
        else:
            self._tx.commit()
        finally:
            self._tx.close()
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
