from pathlib import Path

from safetykg.graph.ddl import ladybug_ddl, neo4j_ddl
from safetykg.graph.schema import check_schema, load_schema, parse_schema
from safetykg.graph.schema_docs import render_schema_markdown

REPO = Path(__file__).resolve().parents[1]


def test_schema_invariants_hold():
    schema = load_schema()
    assert check_schema(schema) == []
    # every fact-bearing label can cite a Source, and CITES covers exactly those labels
    cites = schema.relationships["CITES"]
    sourced = {name for name, label in schema.labels.items() if label.sourced}
    assert {start for start, _ in cites.ends} == sourced
    # keys are unique per label and every link points at a declared relationship end
    for label, prop in schema.links():
        assert prop.link is not None
        assert schema.relationships[prop.link.type].allows(label.name, prop.link.to)
    # every date property has its day ordinal column
    for label in schema.labels.values():
        columns = dict(label.stored_columns())
        for prop in label.properties.values():
            if prop.type == "date":
                assert columns[prop.day_name] == "int"


def test_ddl_is_derived_for_every_label_and_type():
    schema = load_schema()
    ladybug = "\n".join(ladybug_ddl(schema))
    neo4j = "\n".join(neo4j_ddl(schema))
    for name in schema.labels:
        assert f"CREATE NODE TABLE IF NOT EXISTS {name}(" in ladybug
        assert f"FOR (n:{name}) REQUIRE" in neo4j
    for name in schema.relationships:
        assert f"CREATE REL TABLE IF NOT EXISTS {name}(" in ladybug


def test_schema_reference_page_is_current():
    """docs/schema.md is generated; regenerate with `safetykg schema-docs` after editing schema.yaml."""
    page = (REPO / "docs" / "schema.md").read_text(encoding="utf-8")
    assert page == render_schema_markdown(load_schema())


def test_every_property_type_is_explained_and_id_lists_read_either_way():
    from safetykg.graph.schema import PROPERTY_TYPES, id_items, joined_ids
    from safetykg.graph.schema_docs import TYPE_MEANINGS

    assert set(TYPE_MEANINGS) == set(PROPERTY_TYPES)
    schema = load_schema()
    assert {rel.properties["source_ids"].type for rel in schema.relationships.values()} == {"id_list"}
    assert {label.properties["source_ids"].type for label in schema.labels.values()} == {"string_list"}
    assert joined_ids(["S2", "S1", "S2"]) == "S2;S1" and joined_ids([]) is None
    assert id_items("S2;S1") == ["S2", "S1"] == id_items(["S2", "S1"])
    assert id_items(None) == [] == id_items("")
    misused = parse_schema({"labels": {"Source": {"zh": "来源", "en": "Source", "key": "id", "properties": {
        "id": {"type": "string", "required": True, "zh": "编号", "en": "id"},
        "aliases": {"type": "id_list", "zh": "别名", "en": "aliases"}}}}})
    assert any("aliases: id_list only for source_ids" in p for p in check_schema(misused))
