"""A record set generated from the schema: one node per label with every loadable property
filled, and one relationship per declared (type, start, end) pair. If the schema grows,
the round-trip test grows with it."""

from __future__ import annotations

from typing import Any

from safetykg.graph.schema import Property, Schema

SOURCE_ID = "SRC-SAMPLE"


def sample_value(prop: Property, label: str) -> Any:
    if prop.enum:
        return prop.enum[-1]
    if prop.type == "date":
        return "2020-04-15"
    if prop.type == "int":
        return 7
    if prop.type == "float":
        return 606.1
    if prop.type == "bool":
        return True
    if prop.type == "string_list":
        return ["货车载人", "第二项"]
    if prop.type == "id_list":
        return [SOURCE_ID]
    if prop.link and prop.link.to != "Region":
        return f"{prop.link.to.upper()}-1"
    if prop.pattern == "^[0-9]{6}$":
        return "220700"
    if prop.name == "time":
        return "05:30"
    if prop.pattern == "^[0-9A-Z]{18}$":
        return "91220700MA00000000"
    return f"{label}的{prop.zh}"


def sample_records(schema: Schema) -> dict[str, list[dict[str, Any]]]:
    nodes: list[dict[str, Any]] = [
        {"label": "Region", "adcode": "220000", "name": "吉林省", "level": "province", "sources": [SOURCE_ID]}
    ]
    sources: list[dict[str, Any]] = []
    for label in schema.labels.values():
        record: dict[str, Any] = {"label": label.name}
        for prop in label.properties.values():
            if prop.derived or prop.name == "source_ids":
                continue
            record[prop.name] = sample_value(prop, label.name)
        if label.name == "Region":
            record.update(adcode="220700", level="prefecture", parent_adcode="220000")
        else:
            record[label.key] = f"{label.name.upper()}-1"
        if label.name == "Source":
            record["id"] = SOURCE_ID
            record.pop("label")
            sources.append(record)
        else:
            record["sources"] = [SOURCE_ID]
            nodes.append(record)
    relationships: list[dict[str, Any]] = []
    keys = {label.name: ("220700" if label.name == "Region" else f"{label.name.upper()}-1") for label in schema.labels.values()}
    keys["Source"] = SOURCE_ID
    for rel in schema.relationships.values():
        if rel.derived:
            continue
        for start, end in rel.ends:
            if (rel.name, start, end) in {(p.link.type, lab.name, p.link.to) for lab, p in schema.links() if p.link}:
                continue  # derived from a property above
            record = {"type": rel.name, "from": keys[start], "to": keys[end], "sources": [SOURCE_ID]}
            if start == end:
                record["to"] = "220000"
            for prop in rel.properties.values():
                if prop.name not in ("source_ids",):
                    record[prop.name] = sample_value(prop, rel.name)
            relationships.append(record)
    return {"sources": sources, "nodes": nodes, "relationships": relationships}
