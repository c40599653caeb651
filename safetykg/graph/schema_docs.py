"""The schema reference page (docs/schema.md), generated so it can never drift from schema.yaml."""

from __future__ import annotations

from .ddl import ladybug_ddl, neo4j_ddl
from .schema import Property, Schema


def _constraints(prop: Property) -> str:
    parts = []
    if prop.required:
        parts.append("必填 required")
    if prop.enum:
        parts.append("取值 one of: " + " / ".join(prop.enum))
    if prop.pattern:
        parts.append(f"格式 pattern `{prop.pattern}`")
    if prop.minimum is not None:
        parts.append(f"≥ {prop.minimum:g}")
    if prop.link:
        parts.append(f"派生关系 derives `{prop.link.type}` → {prop.link.to}")
    if prop.day_name:
        parts.append(f"日序 day ordinal `{prop.day_name}`")
    if prop.derived:
        parts.append("分析写入 written by analytics")
    return "; ".join(parts)


TYPE_MEANINGS = {
    "string": "text",
    "int": "integer",
    "float": "decimal",
    "bool": "true/false",
    "date": "ISO date `YYYY-MM-DD`, stored beside an integer day ordinal (`day`, `<stem>_day`)",
    "string_list": "a list of texts",
    "id_list": "a list of ids stored as one string, joined by `;` (a relationship's sources; read with "
               "`safetykg.graph.schema.id_items`)",
}


def render_schema_markdown(schema: Schema) -> str:
    out = [
        "# 模式参考 / Schema reference",
        "",
        "_Generated from `safetykg/graph/schema.yaml` by `safetykg schema-docs`; do not edit by hand._",
        "",
        "Property types: " + "; ".join(f"`{name}` {meaning}" for name, meaning in TYPE_MEANINGS.items()) + ".",
        "",
        "## 节点 / Node labels",
        "",
    ]
    for label in schema.labels.values():
        sourced = "需要来源 / must cite a Source" if label.sourced else "不需来源 / not fact-bearing"
        out += [f"### {label.zh} `{label.name}` — {label.en}", "", f"Key `{label.key}`; {sourced}."]
        if label.stages:
            out.append(f"Dated stages: {' → '.join(label.stages)} (failure: `{label.terminal_failure}`).")
        out += ["", "| 属性 property | 类型 type | 中文 | English | 约束 constraints |", "|---|---|---|---|---|"]
        for prop in label.properties.values():
            out.append(f"| `{prop.name}` | {prop.type} | {prop.zh} | {prop.en} | {_constraints(prop)} |")
        out.append("")
    out += ["## 关系 / Relationship types", "", "| 类型 type | 中文 | English | 端点 ends | 属性 properties |", "|---|---|---|---|---|"]
    for rel in schema.relationships.values():
        ends = ", ".join(f"{a}→{b}" for a, b in rel.ends)
        props = ", ".join(f"`{p.name}` ({p.type})" for p in rel.properties.values())
        out.append(f"| `{rel.name}` | {rel.zh} | {rel.en} | {ends} | {props} |")
    out += ["", "## Neo4j constraints and indexes", "", "```cypher"]
    out += [s + ";" for s in neo4j_ddl(schema)]
    out += ["```", "", "## LadybugDB DDL", "", "```cypher"]
    out += [s + ";" for s in ladybug_ddl(schema)]
    out += ["```", ""]
    return "\n".join(out)
