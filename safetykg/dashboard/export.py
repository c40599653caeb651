"""Exports of a networkx view of the graph, used by the dashboard and by `safetykg export`.

- html:    an offline pyvis picture (safetykg/dashboard/network.py);
- graphml, gexf: for Gephi, yEd, Cytoscape — lists joined with ";", empty values dropped,
           `label` is the caption (name), the schema label is `neo4j_label`, the key is `key`;
- json:    networkx node-link data with a `links` key (what D3 and vis.js expect);
- csv:     one node file per label and one relationship file per type in the header format of
           `neo4j-admin database import full`, with the import script and the constraints;
- cypher:  a script of literal MERGE statements (constraints first) that rebuilds the graph.
"""

from __future__ import annotations

import csv
import io
import json
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import networkx as nx

from ..graph.ddl import neo4j_ddl
from ..graph.schema import ID_DELIMITER, Schema, id_items, load_schema
from ..output import neutralise_formula
from . import network

FORMATS = ("html", "graphml", "gexf", "json", "csv", "cypher")
SUFFIXES = {"html": ".html", "graphml": ".graphml", "gexf": ".gexf", "json": ".json", "csv": ".zip", "cypher": ".cypher"}
MIME = {
    "html": "text/html", "graphml": "application/xml", "gexf": "application/xml", "json": "application/json",
    "csv": "application/zip", "cypher": "text/plain",
}
LIST_JOIN = ";"
CYPHER_BATCH = 200
ADMIN_TYPES = {"string": "string", "date": "string", "int": "long", "float": "double", "bool": "boolean",
               "string_list": "string[]", "id_list": "string"}
ARRAY_DELIMITERS = (";", "|", "\u001f")
IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


# Characters XML 1.0 cannot carry (C0 controls except TAB/LF/CR, U+FFFE/U+FFFF, lone surrogates):
# one of them made GraphML/GEXF files unreadable while the export exited 0.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
# Characters a Cypher string literal must not carry raw: line breaks of any kind (the script is one
# statement per line) and other controls, written as \uXXXX escapes so the replay is exact.
_CYPHER_RAW = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]")


def xml_text(text: str) -> str:
    """Text an XML file can carry: characters XML forbids become U+FFFD (shown, not silently dropped)."""
    return _XML_INVALID.sub("\ufffd", text)


def _present(value: Any) -> bool:
    return value is not None and value != "" and value != [] and not (isinstance(value, float) and math.isnan(value))


def caption(attrs: Mapping[str, Any], node: str) -> str:
    return str(attrs.get("name") or attrs.get("title") or attrs.get("key") or node)


# --- GraphML / GEXF ------------------------------------------------------------------

def flat_graph(graph: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy every GraphML/GEXF writer accepts: scalars only, no None, unique edge ids."""
    flat = nx.MultiDiGraph()

    def flatten(attrs: Mapping[str, Any], skip: Iterable[str]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, value in attrs.items():
            if name in skip or not _present(value):
                continue
            if isinstance(value, (list, tuple)):
                value = LIST_JOIN.join(str(v) for v in value)
            elif isinstance(value, dict):
                value = json.dumps(value, ensure_ascii=False)
            elif not isinstance(value, (str, int, float, bool)):
                value = str(value)
            out[name] = xml_text(value) if isinstance(value, str) else value
        return out

    for node, attrs in graph.nodes(data=True):
        # `label` is the caption in GEXF (and Gephi's GraphML import); `id` would replace the GEXF node id.
        props = flatten(attrs, skip=("label", "id"))
        flat.add_node(xml_text(str(node)), label=xml_text(caption(attrs, node)), neo4j_label=str(attrs.get("label", "")), **props)
    for index, (src, dst, attrs) in enumerate(graph.edges(data=True)):
        rel = str(attrs.get("type", ""))
        # GEXF reserves an edge's `type` (directed/undirected) and `id`, so the type travels as `rel_type`.
        props = flatten(attrs, skip=("type", "id", "label"))
        flat.add_edge(xml_text(str(src)), xml_text(str(dst)), key=f"e{index}", label=rel, rel_type=rel, **props)
    return flat


def to_graphml(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_graphml(flat_graph(graph), buffer, encoding="utf-8")
    return buffer.getvalue()


def to_gexf(graph: nx.MultiDiGraph) -> bytes:
    buffer = io.BytesIO()
    nx.write_gexf(flat_graph(graph), buffer, encoding="utf-8")
    return buffer.getvalue()


# --- node-link JSON --------------------------------------------------------------------

def to_node_link(graph: nx.MultiDiGraph) -> str:
    clean = nx.MultiDiGraph()
    for node, attrs in graph.nodes(data=True):
        clean.add_node(node, **{k: v for k, v in attrs.items() if _present(v)})
    for src, dst, key, attrs in graph.edges(keys=True, data=True):
        clean.add_edge(src, dst, key=key, **{k: v for k, v in attrs.items() if _present(v)})
    data = nx.node_link_data(clean, edges="links")
    return json.dumps(data, ensure_ascii=False, indent=1, default=str)


# --- neo4j-admin CSV -------------------------------------------------------------------

def _cell(value: Any, kind: str, delimiter: str) -> str:
    """A neo4j-admin CSV cell; text that a spreadsheet would run as a formula is neutralised (OWASP)."""
    if not _present(value):
        return ""
    if kind == "string_list":
        return neutralise_formula(delimiter.join(str(v) for v in value))
    if kind == "id_list":  # one string on both engines; a graph written before the type may hold a list
        return neutralise_formula(ID_DELIMITER.join(id_items(value)))
    if kind == "bool":
        return "true" if value else "false"
    if kind in ("int", "float"):
        return str(value)
    return neutralise_formula(str(value))


def _array_delimiter(graph: nx.MultiDiGraph) -> str:
    values = [
        str(v) for _, attrs in graph.nodes(data=True) for value in attrs.values() if isinstance(value, list) for v in value
    ] + [str(v) for _, _, attrs in graph.edges(data=True) for value in attrs.values() if isinstance(value, list) for v in value]
    for candidate in ARRAY_DELIMITERS:
        if not any(candidate in v for v in values):
            return candidate
    raise ValueError("every candidate array delimiter occurs inside a list value")


def csv_files(graph: nx.MultiDiGraph, schema: Schema | None = None) -> dict[str, str]:
    """File name -> content: nodes/<Label>.csv, relationships/<TYPE>.csv, import.sh, constraints.cypher, README.txt."""
    schema = schema or load_schema()
    delimiter = _array_delimiter(graph)
    files: dict[str, str] = {}
    node_args: list[str] = []
    rel_args: list[str] = []
    by_label: dict[str, list[tuple[str, dict[str, Any]]]] = {}
    for node, attrs in graph.nodes(data=True):
        by_label.setdefault(str(attrs.get("label")), []).append((node, attrs))
    for label_name in sorted(by_label):
        label = schema.labels[label_name]
        columns = label.stored_columns()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([":ID", *(f"{c}:{ADMIN_TYPES[k]}" for c, k in columns), ":LABEL"])
        for node, attrs in sorted(by_label[label_name]):
            writer.writerow([neutralise_formula(node), *(_cell(attrs.get(c), k, delimiter) for c, k in columns), label_name])
        name = f"nodes/{label_name}.csv"
        files[name] = buffer.getvalue()
        node_args.append(f"--nodes={name}")
    by_type: dict[str, list[tuple[str, str, dict[str, Any]]]] = {}
    for src, dst, attrs in graph.edges(data=True):
        by_type.setdefault(str(attrs.get("type")), []).append((src, dst, attrs))
    for type_name in sorted(by_type):
        rel = schema.relationships[type_name]
        columns = rel.stored_columns()
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow([":START_ID", ":END_ID", *(f"{c}:{ADMIN_TYPES[k]}" for c, k in columns), ":TYPE"])
        for src, dst, attrs in sorted(by_type[type_name], key=lambda e: (e[0], e[1])):
            writer.writerow([neutralise_formula(src), neutralise_formula(dst),
                             *(_cell(attrs.get(c), k, delimiter) for c, k in columns), type_name])
        name = f"relationships/{type_name}.csv"
        files[name] = buffer.getvalue()
        rel_args.append(f"--relationships={name}")
    files["constraints.cypher"] = "".join(f"{statement};\n" for statement in neo4j_ddl(schema))
    files["import.sh"] = _import_script(node_args, rel_args, delimiter)
    files["README.txt"] = (
        "safetykg CSV export for `neo4j-admin database import full`.\n\n"
        "1. Stop Neo4j (the target database must be new or empty).\n"
        "2. bash import.sh [database]    # NEO4J_ADMIN=/path/to/neo4j-admin to choose the binary\n"
        "3. Start Neo4j, then create the constraints and indexes:\n"
        "   cypher-shell -d <database> -f constraints.cypher\n\n"
        "Node ids (:ID) are Label:key, one global id space; list values are separated by "
        f"{delimiter!r} (--array-delimiter); dates are ISO strings with integer day ordinals beside them.\n"
        "Text starting with = + - @ TAB or CR carries a leading apostrophe so that a spreadsheet never runs it\n"
        "as a formula (OWASP CSV injection); the Cypher export keeps such values exactly.\n"
    )
    return files


def _import_script(node_args: Sequence[str], rel_args: Sequence[str], delimiter: str) -> str:
    shown = "TAB" if delimiter == "\t" else (f"U+{ord(delimiter):04X}" if not delimiter.isprintable() else delimiter)
    lines = [
        "#!/usr/bin/env bash",
        "# Generated by `safetykg export --format csv`: bulk-load these files into a new (or empty) Neo4j database.",
        "# Usage: bash import.sh [database]   (default database: neo4j; stop Neo4j first)",
        "# Afterwards start Neo4j and run: cypher-shell -d <database> -f constraints.cypher",
        "set -euo pipefail",
        'cd "$(dirname "$0")"',
        'DATABASE="${1:-neo4j}"',
        # The database comes first: --nodes and --relationships take any number of files.
        '"${NEO4J_ADMIN:-neo4j-admin}" database import full "$DATABASE" \\',
        "    --id-type=string \\",
        f"    --array-delimiter='{shown}' \\",
        "    --multiline-fields=true \\",
        *(f"    {arg} \\" for arg in [*node_args, *rel_args][:-1]),
        f"    {[*node_args, *rel_args][-1]}",
        "",
    ]
    return "\n".join(lines)


def to_csv_zip(graph: nx.MultiDiGraph, schema: Schema | None = None) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in csv_files(graph, schema).items():
            info = zipfile.ZipInfo(f"safetykg-csv/{name}")
            info.external_attr = (0o755 if name.endswith(".sh") else 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, content)
    return buffer.getvalue()


def write_csv_dir(graph: nx.MultiDiGraph, directory: Path, schema: Schema | None = None) -> list[Path]:
    written = []
    for name, content in csv_files(graph, schema).items():
        path = directory / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(content, encoding="utf-8")
        if name.endswith(".sh"):
            path.chmod(0o755)
        written.append(path)
    return written


# --- Cypher script ---------------------------------------------------------------------

def cypher_string(text: str) -> str:
    """A single-quoted Cypher string literal; the script stays one statement per line.

    Quotes and backslashes are escaped, and every control or line-break character (LF, CR, NEL,
    U+2028, U+2029, …) becomes a \\uXXXX escape: Neo4j and `str.splitlines` both end lines there."""
    escaped = text.replace("\\", "\\\\").replace("'", "\\'").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")
    escaped = _CYPHER_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", escaped)
    return f"'{escaped}'"


def cypher_name(name: str) -> str:
    return name if IDENTIFIER.match(name) else "`" + name.replace("`", "``") + "`"


def cypher_literal(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise ValueError(f"cannot write {value!r} as a Cypher literal")
        return repr(value)
    if isinstance(value, str):
        return cypher_string(value)
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(cypher_literal(v) for v in value) + "]"
    if isinstance(value, Mapping):
        return "{" + ", ".join(f"{cypher_name(str(k))}: {cypher_literal(v)}" for k, v in value.items()) + "}"
    return cypher_string(str(value))


def to_cypher(graph: nx.MultiDiGraph, schema: Schema | None = None, batch: int = CYPHER_BATCH) -> str:
    schema = schema or load_schema()
    lines = [
        "// safetykg: rebuilds this graph in Neo4j 5 — constraints first, then nodes, then relationships.",
        "// Generated from the stored graph by `safetykg export --format cypher`. Run: cypher-shell -f <file>",
        "// One statement per line; MERGE on each label's key, so running it twice changes nothing.",
    ]
    lines += [f"{statement};" for statement in neo4j_ddl(schema)]
    by_label: dict[str, list[dict[str, Any]]] = {}
    for node, attrs in sorted(graph.nodes(data=True)):
        label = schema.labels[str(attrs["label"])]
        stored = {c for c, _ in label.stored_columns()}
        row = {k: v for k, v in attrs.items() if k in stored and _present(v)}
        row[label.key] = str(attrs.get(label.key, attrs.get("key", node.split(":", 1)[-1])))
        by_label.setdefault(label.name, []).append(row)
    for label_name, rows in by_label.items():
        key = cypher_name(schema.labels[label_name].key)
        for start in range(0, len(rows), batch):
            chunk = cypher_literal(rows[start : start + batch])
            lines.append(f"UNWIND {chunk} AS row MERGE (n:{cypher_name(label_name)} {{{key}: row.{key}}}) SET n += row;")
    by_pattern: dict[tuple[str, str, str], list[dict[str, Any]]] = {}
    for src, dst, attrs in sorted(graph.edges(data=True), key=lambda e: (e[0], e[1], str(e[2].get("type")))):
        rel = schema.relationships[str(attrs["type"])]
        start_label, end_label = str(graph.nodes[src]["label"]), str(graph.nodes[dst]["label"])
        stored = {c for c, _ in rel.stored_columns()}
        props = {k: v for k, v in attrs.items() if k in stored and _present(v)}
        row = {"a": str(graph.nodes[src]["key"]), "b": str(graph.nodes[dst]["key"]), "p": props}
        by_pattern.setdefault((rel.name, start_label, end_label), []).append(row)
    for (rel_name, start_label, end_label), rows in by_pattern.items():
        a_key, b_key = cypher_name(schema.labels[start_label].key), cypher_name(schema.labels[end_label].key)
        for start in range(0, len(rows), batch):
            chunk = cypher_literal(rows[start : start + batch])
            lines.append(
                f"UNWIND {chunk} AS row MATCH (a:{cypher_name(start_label)} {{{a_key}: row.a}}) "
                f"MATCH (b:{cypher_name(end_label)} {{{b_key}: row.b}}) "
                f"MERGE (a)-[r:{cypher_name(rel_name)}]->(b) SET r += row.p;"
            )
    return "\n".join(lines) + "\n"


def cypher_statements(script: str) -> list[str]:
    """The statements of a script written by `to_cypher` (one per line, `//` comments)."""
    return [line.rstrip().rstrip(";") for line in script.split("\n") if line.strip() and not line.startswith("//")]


# --- one entry point -----------------------------------------------------------------

def export_bytes(
    graph: nx.MultiDiGraph,
    fmt: str,
    *,
    lang: str = "zh",
    limit: int = network.DEFAULT_LIMIT,
    title: str | None = None,
    center: str | None = None,
    schema: Schema | None = None,
    details: Sequence[str] = (),
) -> bytes:
    if fmt == "html":
        return network.render(
            graph, lang=lang, limit=limit, title=title, center=center, details=details
        ).html.encode("utf-8")
    if fmt == "graphml":
        return to_graphml(graph)
    if fmt == "gexf":
        return to_gexf(graph)
    if fmt == "json":
        return to_node_link(graph).encode("utf-8")
    if fmt == "csv":
        return to_csv_zip(graph, schema)
    if fmt == "cypher":
        return to_cypher(graph, schema).encode("utf-8")
    raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")


# --- tables (audit results, console results) -------------------------------------------

def rows_to_excel(rows: Sequence[Mapping[str, Any]], sheet: str = "rows") -> bytes:
    """An .xlsx workbook of the rows; text is always stored as text (never read as a formula)."""
    from openpyxl import Workbook

    from ..output import cell, columns_of

    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.title = sheet[:31] or "rows"
    columns = columns_of([dict(r) for r in rows])
    ws.append(columns)
    for index, row in enumerate(rows, start=2):
        for column, name in enumerate(columns, start=1):
            value = row.get(name)
            target = ws.cell(row=index, column=column)
            if value is None or isinstance(value, (bool, int, float)):
                target.value = value
            else:
                target.value = xml_text(str(cell(value)))  # openpyxl refuses XML-invalid characters
                target.data_type = "s"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
