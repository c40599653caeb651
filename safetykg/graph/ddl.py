"""Engine DDL derived from the schema: LadybugDB tables and Neo4j constraints/indexes."""

from __future__ import annotations

from collections.abc import Mapping

from .schema import Schema

LADYBUG_TYPES = {
    "string": "STRING",
    "int": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "STRING",
    "string_list": "STRING[]",
}


def ladybug_ddl(schema: Schema) -> list[str]:
    statements = []
    for label in schema.labels.values():
        cols = ", ".join(f"{name} {LADYBUG_TYPES[kind]}" for name, kind in label.stored_columns())
        statements.append(
            f"CREATE NODE TABLE IF NOT EXISTS {label.name}({cols}, PRIMARY KEY({label.key}))"
        )
    for rel in schema.relationships.values():
        ends = ", ".join(f"FROM {a} TO {b}" for a, b in rel.ends)
        cols = "".join(f", {name} {LADYBUG_TYPES[kind]}" for name, kind in rel.stored_columns())
        statements.append(f"CREATE REL TABLE IF NOT EXISTS {rel.name}({ends}{cols})")
    return statements


def ladybug_added_columns(schema: Schema, stored: Mapping[str, set[str]]) -> list[str]:
    """ALTERs that give tables created by an earlier schema the columns declared since (null until a
    load or derivation writes them): a graph built before `earlier_id` or the enforcement values
    existed would otherwise fail every query that names them. `stored`: each table's column names."""
    declared = [(label.name, label.stored_columns()) for label in schema.labels.values()]
    declared += [(rel.name, rel.stored_columns()) for rel in schema.relationships.values()]
    return [
        f"ALTER TABLE {table} ADD {name} {LADYBUG_TYPES[kind]}"
        for table, columns in declared if table in stored
        for name, kind in columns if name not in stored[table]
    ]


def neo4j_ddl(schema: Schema) -> list[str]:
    statements = []
    for label in schema.labels.values():
        statements.append(
            f"CREATE CONSTRAINT {label.name.lower()}_{label.key}_unique IF NOT EXISTS "
            f"FOR (n:{label.name}) REQUIRE n.{label.key} IS UNIQUE"
        )
        # the schema's `indexes:` (LadybugDB indexes primary keys only, so these exist on Neo4j alone)
        for column in schema.indexes.get(label.name, ()):
            if column != label.key:
                statements.append(
                    f"CREATE INDEX {label.name.lower()}_{column} IF NOT EXISTS FOR (n:{label.name}) ON (n.{column})"
                )
    return statements
