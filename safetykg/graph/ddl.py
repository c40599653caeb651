"""Engine DDL derived from the schema: LadybugDB tables and Neo4j constraints/indexes."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

from .schema import ID_DELIMITER, Schema

LADYBUG_TYPES = {
    "string": "STRING",
    "int": "INT64",
    "float": "DOUBLE",
    "bool": "BOOLEAN",
    "date": "STRING",
    "string_list": "STRING[]",
    "id_list": "STRING",
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


def _tables(schema: Schema) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """Each table: its name, a pattern matching its rows as `x`, its declared columns."""
    tables = [(label.name, f"(x:{label.name})", label.stored_columns()) for label in schema.labels.values()]
    tables += [(rel.name, f"()-[x:{rel.name}]->()", rel.stored_columns()) for rel in schema.relationships.values()]
    return tables


def ladybug_added_columns(schema: Schema, stored: Mapping[str, Collection[str]]) -> list[str]:
    """ALTERs that give tables created by an earlier schema the columns declared since (null until a
    load or derivation writes them): a graph built before `earlier_id` or the enforcement values
    existed would otherwise fail every query that names them. `stored`: each table's column names."""
    return [
        f"ALTER TABLE {table} ADD {name} {LADYBUG_TYPES[kind]}"
        for table, _, columns in _tables(schema) if table in stored
        for name, kind in columns if name not in stored[table]
    ]


# how a column stored with an earlier schema's type becomes its declared type: (stored, declared) -> expression
RETYPE = {("STRING[]", "STRING"): f"list_to_string('{ID_DELIMITER}', {{value}})"}  # sources on a relationship became an id_list
STORED_TYPE_NAMES = {"BOOL": "BOOLEAN"}  # table_info's spelling -> the DDL's


class SchemaMigrationError(ValueError):
    """A stored column whose type the schema changed in a way no migration here knows."""


@dataclass(frozen=True)
class Retype:
    """How one table of an earlier schema gets its declared column types: from its first retyped column
    on, each declared column is copied into `<name>__retyped` (by `expression`), then the old ones are
    dropped and the copies renamed, so the columns keep their declared order (COPY fills them by
    position). `pattern` matches the table's rows as `x`."""

    table: str
    pattern: str
    columns: tuple[tuple[str, str, str], ...]  # (name, declared type, expression over x)


def ladybug_retypes(schema: Schema, stored: Mapping[str, Mapping[str, str]]) -> list[Retype]:
    """The tables whose stored column types differ from the declared ones; `stored` is each table's
    column name -> type as `table_info` gives it."""
    plans: list[Retype] = []
    for table, pattern, columns in _tables(schema):
        have = {name: STORED_TYPE_NAMES.get(kind, kind) for name, kind in (stored.get(table) or {}).items()}
        present = [(name, LADYBUG_TYPES[kind]) for name, kind in columns if name in have]
        changed = [i for i, (name, wanted) in enumerate(present) if have[name] != wanted]
        if not changed:
            continue
        moved = []
        for name, wanted in present[changed[0]:]:
            found = have[name]
            if found == wanted:
                expression = f"x.{name}"
            elif (found, wanted) in RETYPE:
                expression = RETYPE[(found, wanted)].format(value=f"x.{name}")
            else:
                raise SchemaMigrationError(f"{table}.{name} is stored as {found}; the schema declares {wanted}, "
                                           "and no migration between them is known")
            moved.append((name, wanted, expression))
        plans.append(Retype(table, pattern, tuple(moved)))
    return plans


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
