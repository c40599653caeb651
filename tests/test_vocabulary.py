"""Meaning from the schema: value names, status classes, colours, and the audit column vocabulary.

Tables, CSV and Markdown for people carry declared Chinese headers and value names, blanks
for nothing; JSON keeps identifiers. The shipped-data test runs the real command line on the
embedded engine.
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safetykg.cli.main import app as cli
from safetykg.graph.schema import STATUS_PROPERTIES, check_schema, load_schema
from safetykg.queries.runner import list_audits
from safetykg.queries.vocabulary import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
ENGLISH_WORD = re.compile(r"[A-Za-z_]{3,}")


def test_schema_meaning_is_complete() -> None:
    schema = load_schema()
    assert check_schema(schema) == []
    for label in schema.labels.values():
        for prop in label.properties.values():
            for value in prop.enum:
                assert schema.value_name(label.name, prop.name, value, "zh")
                assert schema.value_name(label.name, prop.name, value, "en")
        if label.stages:
            for prop_name in STATUS_PROPERTIES:
                for value in label.properties[prop_name].enum if prop_name in label.properties else ():
                    assert schema.status_class(label.name, value) in ("closed", "open", "failed", "unknown")


def test_value_names_depend_on_the_property() -> None:
    schema = load_schema()
    assert schema.value_name("Penalty", "status", "not_executed") == "未执行"
    assert schema.value_name("Penalty", "checked_status", "executed", "en") == "executed"
    assert schema.value_name("Source", "reliability", "official") == "官方发布"
    assert schema.value_name("Person", "role", "official") == "公职人员"
    assert schema.value_name("CriminalCase", "stage", "judged") == "已一审判决"
    assert schema.value_name("Accident", "name", None) == ""


def test_status_classes_and_colours() -> None:
    schema = load_schema()
    assert schema.status_class("Penalty", "executed") == "closed"
    assert schema.status_class("Penalty", "decided") == "open"
    assert schema.status_class("CriminalCase", "stalled") == "failed"
    assert schema.status_class("Measure", None) == "none"
    assert schema.node_status_class("Penalty", {"status": "executed", "checked_status": "not_executed"}) == "failed"
    colours = {schema.label_colour(label) for label in schema.labels}
    assert len(colours) == len(schema.labels)
    assert schema.label_colour("Penalty") != schema.label_colour("Finding")
    assert len({schema.status_colour(c) for c in ("closed", "open", "failed", "unknown", "none")}) == 5


def test_every_audit_column_and_parameter_has_a_declared_name() -> None:
    vocabulary = load_vocabulary()
    missing = sorted(
        {f"{audit.id}: {column}" for audit in list_audits() for column in audit.columns if vocabulary.column(column) is None}
    )
    assert missing == []
    unnamed = sorted({p.name for audit in list_audits() for p in audit.params if p.name not in vocabulary.params})
    assert unnamed == []


def test_cells_for_people() -> None:
    vocabulary = load_vocabulary()
    assert vocabulary.cell("stage", "not_executed") == "未执行"
    assert vocabulary.cell("stage", "not_executed", "en") == "not executed"
    assert vocabulary.cell("item_type", "Penalty") == "行政处罚"
    assert vocabulary.cell("same_kind", True) == "是"
    assert vocabulary.cell("amount_wan", None) == ""
    assert vocabulary.cell("against", ["甲", None, "乙"]) == "甲、乙"
    headers, rows = vocabulary.readable_rows([{"penalty_id": "P1", "stage": None}])
    assert headers == ["处罚编号", "阶段(截至基准日)"] and rows == [{"处罚编号": "P1", "阶段(截至基准日)": ""}]


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("shipped")
    result = CliRunner().invoke(cli, ["--data-dir", str(data_dir), "load", str(ROOT / "data")])
    assert result.exit_code == 0, result.output
    return data_dir


def test_audit_csv_for_people_has_no_identifiers(shipped_dir: Path) -> None:
    """`safetykg audit run unexecuted-penalties --as-of 2020-09-30 --format csv`: Chinese headers and values."""
    runner = CliRunner()
    result = runner.invoke(
        cli, ["--data-dir", str(shipped_dir), "audit", "run", "unexecuted-penalties", "--as-of", "2020-09-30",
              "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert len(table) > 1, "the shipped data has unexecuted penalties on 2020-09-30"
    header, body = table[0], table[1:]
    assert "处罚编号" in header and "阶段(截至基准日)" in header
    identifiers = {c for audit in list_audits() for c in audit.columns}
    statuses = {v for label in load_schema().labels.values() for v in label.statuses}
    for cell in header:
        assert not ENGLISH_WORD.search(cell), cell
    for row in body:
        for column, cell in zip(header, row, strict=True):
            assert cell != "None"
            if column.endswith("编号"):
                continue  # ids (PEN-…) are identifiers of records, not of the program
            assert cell not in identifiers | statuses, (column, cell)
    as_json = runner.invoke(
        cli, ["--data-dir", str(shipped_dir), "audit", "run", "unexecuted-penalties", "--as-of", "2020-09-30",
              "--format", "json"],
    )
    assert "penalty_id" in json.loads(as_json.stdout)[0]


def test_query_table_for_people(shipped_dir: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--data-dir", str(shipped_dir), "query", "--format", "csv",
              "MATCH (p:Penalty) RETURN p.id AS id, p.status AS status, p.amount_wan AS amount_wan ORDER BY id LIMIT 5"],
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "编号,状态,金额(万元)"
    assert "None" not in result.stdout
    assert not re.search(r",(executed|decided|recommended|not_executed|unknown)(,|$)", result.stdout)
