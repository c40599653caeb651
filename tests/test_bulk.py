"""The bulk path: synthetic bulk files load into the same graph by every path — LadybugDB's COPY,
Neo4j's driver UNWIND, and `neo4j-admin database import` through tools/neo4j/neo4jctl."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from safetykg.graph.bulkfiles import BulkFiles, BulkFilesError, BulkWriter
from safetykg.graph.recurrence import (
    ALL_DAYS,
    day_spans,
    default_rules,
    derive_recurrences,
    neighbourhood,
    stored_links,
)
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.bulk import BulkTargetNotEmpty, add_files, derive_after_load, load_files, load_rows
from safetykg.loaders.synthetic import SOURCE_ID, generate, write_files
from safetykg.queries.runner import list_audits, run_audit

from .conftest import NEO4JCTL, make_store

N = 300
AS_OF = "2021-06-30"


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> BulkFiles:
    from safetykg.graph.schema import load_schema

    # small chunks, so every label and type spans several files
    return write_files(load_schema(), tmp_path_factory.mktemp("bulk") / "files", N, chunk_rows=150)


def _snapshot(store: Store) -> dict[str, Any]:
    audits = {a.id: (run_audit(store, a, {"as_of": AS_OF}).rows, run_audit(store, a, {"as_of": AS_OF}).count)
              for a in list_audits()}
    return {"counts": store.counts(), "audits": audits}


def test_synthetic_files_load_with_their_shape(store: Store, files: BulkFiles):
    assert len([f for f in files.nodes if f.label == "Accident"]) == 2  # 300 rows in chunks of 150
    assert load_files(store, files) == files.rows
    derive_after_load(store)
    counts = store.counts()
    assert counts["labels"]["Accident"] == N
    assert sum(counts["labels"].values()) + sum(counts["relationships"].values()) == files.rows + counts[
        "relationships"]["RECURRENCE_OF"]
    # every accident on a real county of the gazetteer, two levels below its province
    placed = store.run(
        "MATCH (a:Accident)-[:OCCURRED_IN]->(c:Region {level: 'county'})-[:PART_OF*1..2]->(p:Region {level: 'province'}) "
        "RETURN count(DISTINCT a) AS c"
    )
    assert placed == [{"c": N}]
    assert store.run("MATCH (a:Accident) WHERE a.day IS NULL OR NOT $src IN a.source_ids RETURN count(a) AS c",
                     {"src": SOURCE_ID}) == [{"c": 0}]
    # broken chains exist at realistic rates, and some enterprises had more than one accident
    open_penalties = run_audit(store, next(a for a in list_audits() if a.id == "unexecuted-penalties"), {"as_of": AS_OF})
    assert 0 < len(open_penalties.rows) < counts["labels"]["Penalty"] / 2
    repeat = store.run("MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident) WITH e, count(a) AS n WHERE n > 1 "
                       "RETURN count(e) AS c")
    assert repeat[0]["c"] > 0


def test_copy_and_driver_paths_give_the_same_graph(request: pytest.FixtureRequest, tmp_path: Path, files: BulkFiles):
    lady, neo = make_store("ladybug", tmp_path, request), make_store("neo4j", tmp_path, request)
    try:
        assert lady.supports_bulk_copy and not neo.supports_bulk_copy
        for opened in (lady, neo):
            load_files(opened, files)
            derive_after_load(opened)
        assert _snapshot(lady) == _snapshot(neo)
    finally:
        lady.close()
        neo.close()


@pytest.fixture
def imported_neo4j(files: BulkFiles, tmp_path: Path) -> Iterator[str]:
    """A Neo4j server whose database `neo4jctl import` built from the bulk files."""
    if shutil.which("java") is None:
        pytest.skip("java not found: neo4j-admin import cannot run")
    shared = Path(os.environ.get("SAFETYKG_NEO4J_HOME", NEO4JCTL.parents[2] / ".neo4j"))
    home = tmp_path / "neo4j-home"
    home.mkdir()
    (home / "lib").symlink_to(shared / "lib", target_is_directory=True)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    env = {**os.environ, "SAFETYKG_NEO4J_HOME": str(home), "NEO4J_PORT": str(port)}
    done = subprocess.run([str(NEO4JCTL), "import", str(files.root)], env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stderr[-2000:]
    started = subprocess.run([str(NEO4JCTL), "start", "--keep-data", "--port", str(port)], env=env,
                             capture_output=True, text=True, timeout=900)
    assert started.returncode == 0, started.stderr[-2000:]
    try:
        yield f"bolt://127.0.0.1:{port}"
    finally:
        subprocess.run([str(NEO4JCTL), "stop"], env=env, capture_output=True, timeout=120)


def test_neo4j_admin_import_gives_the_same_graph(imported_neo4j: str, tmp_path: Path, files: BulkFiles):
    with open_store(StoreConfig(data_dir=tmp_path / "lady")) as lady, open_store(StoreConfig(uri=imported_neo4j)) as neo:
        load_files(lady, files)
        for opened in (lady, neo):
            derive_after_load(opened)
        assert _snapshot(lady) == _snapshot(neo)


def test_adding_accidents_rederives_only_what_changed(ladybug_store: Store, files: BulkFiles, tmp_path: Path):
    load_files(ladybug_store, files)
    derive_after_load(ladybug_store)
    before = {(r["from_key"], r["to_key"]) for r in stored_links(ladybug_store)}
    extra = write_files(ladybug_store.schema, tmp_path / "more", 120, seed=11, batch="T")
    written, applied = add_files(ladybug_store, extra)
    assert written == extra.rows and ladybug_store.counts()["labels"]["Accident"] == N + 120
    after = {(r["from_key"], r["to_key"]) for r in stored_links(ladybug_store)}
    # the stored links are what a full derivation gives, and every new one touches a new accident
    assert after == {(link.from_id, link.to_id) for link in derive_recurrences(ladybug_store)}
    assert after - before and all(a.startswith("ACC-T") or b.startswith("ACC-T") for a, b in after - before)
    assert applied.created == len(after - before) and before <= after


def test_next_quarters_accidents_link_back_into_the_year_before(ladybug_store: Store, files: BulkFiles,
                                                               tmp_path: Path):
    """The benchmark's increment: a batch dated after everything loaded. Only the year before it can
    pair with it, and re-deriving for it gives what a full derivation gives."""
    load_files(ladybug_store, files)
    derive_after_load(ladybug_store)
    extra = write_files(ladybug_store.schema, tmp_path / "next", 120, seed=11, batch="T",
                        period=("2021-01-01", "2021-03-31"))
    _, applied = add_files(ladybug_store, extra)
    dates = [r["date"] for r in ladybug_store.run("MATCH (a:Accident) WHERE a.id STARTS WITH 'ACC-T' RETURN a.date AS date")]
    assert len(dates) == 120 and all("2021-01-01" <= str(d) <= "2021-03-31" for d in dates)
    after = {(r["from_key"], r["to_key"]) for r in stored_links(ladybug_store)}
    assert after == {(link.from_id, link.to_id) for link in derive_recurrences(ladybug_store)}
    assert applied.created > 0
    with pytest.raises(ValueError, match="last day is before the first"):
        write_files(ladybug_store.schema, tmp_path / "backwards", 1, period=("2021-03-31", "2021-01-01"))


@pytest.mark.parametrize("store", ["ladybug", "neo4j"], indirect=True)
def test_rederiving_for_some_accidents_reads_only_their_neighbourhood(store: Store, files: BulkFiles):
    """Deriving for a few accidents reads their provinces and co-operated accidents, not the graph, and
    finds exactly the links a full derivation gives them."""
    load_files(store, files)
    everything = derive_recurrences(store)
    touching = {link.from_id for link in everything[:5]} | {"ACC-S0000007"}
    reach = neighbourhood(store, touching, {"province", "operator"})
    assert touching <= reach and len(reach) < N
    # the province rules compare accidents at most a year apart, sharing a tag or both major: only those
    near = neighbourhood(store, touching, {"province", "operator"},
                         province_rules=[rule for rule in default_rules() if rule.reach == "province"])
    assert touching <= near < reach
    expected = [link for link in everything if link.from_id in touching or link.to_id in touching]
    assert derive_recurrences(store, touching=touching) == expected


def test_day_spans_merge_the_windows_and_fall_back_to_every_day():
    assert day_spans({100, 150, 400}, 30) == [(70, 180), (370, 430)]
    assert day_spans({100, 131}, 15) == [(85, 146)]  # touching ends merge
    assert day_spans({100, None}, 30) == [ALL_DAYS]  # a day that is not known: every day
    assert day_spans({100}, None) == [ALL_DAYS]


def test_bulk_copy_refuses_a_non_empty_embedded_graph(ladybug_store: Store):
    graph = generate(ladybug_store.schema, 5)
    load_rows(ladybug_store, graph.nodes, graph.rels)
    with pytest.raises(BulkTargetNotEmpty):
        load_rows(ladybug_store, graph.nodes, graph.rels)


def test_bulk_files_are_written_once_and_checked(tmp_path: Path):
    from safetykg.graph.schema import load_schema

    schema = load_schema()
    root = tmp_path / "files"
    writer = BulkWriter(schema, root)
    writer.node("Source", {"id": "S", "title": "t, with a comma", "source_ids": []})
    writer.close()
    with pytest.raises(BulkFilesError):
        BulkWriter(schema, root)  # not empty
    read = BulkFiles.read(root)
    read.check(schema)
    assert (root / "nodes" / "Source.0.csv").read_text(encoding="utf-8").splitlines()[0].startswith("id:ID(Source),")
    with pytest.raises(BulkFilesError):
        BulkFiles.read(tmp_path)


def test_bulk_files_of_an_earlier_release_are_refused_naming_the_column(tmp_path: Path):
    """Files written when a relationship's sources were a list (`source_ids:string[]`) would copy the
    ids as one text with a different header type; the check says which column and what to do."""
    import json

    from safetykg.graph.schema import load_schema

    schema = load_schema()
    root = tmp_path / "files"
    writer = BulkWriter(schema, root)
    writer.node("Source", {"id": "S", "title": "t"})
    writer.node("Accident", {"id": "A", "name": "a", "source_ids": ["S"]})
    writer.node("Enterprise", {"id": "E", "name": "e", "source_ids": ["S"]})
    writer.rel("RESPONSIBLE_FOR", "Enterprise", "Accident", "E", "A", {"source_ids": "S"})
    writer.close()
    BulkFiles.read(root).check(schema)
    manifest = json.loads((root / "manifest.json").read_text(encoding="utf-8"))
    for entry in manifest["rels"]:
        entry["columns"] = [[name, "string_list" if name == "source_ids" else kind] for name, kind in entry["columns"]]
    (root / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    with pytest.raises(BulkFilesError, match=r"RESPONSIBLE_FOR\.Enterprise\.Accident\.0\.csv: columns differ .*"
                                             r"column 2 is source_ids \(string_list\) in the files, "
                                             r"source_ids \(id_list\) in the schema; .*write them again"):
        BulkFiles.read(root).check(schema)


@pytest.mark.parametrize("store", ["ladybug", "neo4j"], indirect=True)
@pytest.mark.parametrize("limit", [0, 10**9], ids=["batched", "copy-when-allowed"])
def test_a_large_first_derivation_streams_the_same_links(store: Store, files: BulkFiles, limit: int,
                                                        monkeypatch: pytest.MonkeyPatch):
    """A first derivation with many links is written as it is derived (COPY on a small embedded graph,
    batches of one transaction each otherwise): the stored links are those `derive_recurrences` gives,
    and a second derivation keeps every one of them."""
    from safetykg.graph import recurrence

    load_files(store, files)
    expected = derive_recurrences(store)
    assert len(expected) > 20
    monkeypatch.setattr(recurrence, "BULK_LINKS", 5)  # "large" for this small graph
    monkeypatch.setattr(recurrence, "COPY_LINKS_MAX_ACCIDENTS", limit)
    monkeypatch.setattr(store, "batch_size", 7)  # several batches
    report = derive_after_load(store)
    assert report.created == len(expected)
    stored = stored_links(store)
    assert [(r["from_key"], r["to_key"], r["rules"], r["days"], r["explanation"]) for r in stored] == sorted(
        (link.from_id, link.to_id, list(link.rules), link.days, link.explanation) for link in expected)
    again = derive_after_load(store)
    assert (again.kept, again.created, again.updated, again.deleted) == (len(expected), 0, 0, 0)


def test_bulk_writes_defer_the_embedded_checkpoint_and_leave_the_setting_as_it_was(ladybug_store: Store, files: BulkFiles):
    """Inside `bulk_writes` LadybugDB checkpoints at a larger WAL size (one checkpoint per 16 MiB rewrote
    the touched node groups again and again at 1M accidents) and runs on the smaller bulk page cache;
    afterwards its own setting and the normal cache are back, and the WAL has been checkpointed into
    the database file."""
    from safetykg.graph.ladybug_store import BULK_CHECKPOINT_BYTES, LadybugStore

    assert isinstance(ladybug_store, LadybugStore)
    normal = ladybug_store.buffer_pool_mib
    settings = StoreConfig()  # the same environment as the fixture's store
    assert normal == settings.buffer_pool_mib != settings.bulk_buffer_pool_mib

    def threshold() -> int:
        return int(next(iter(ladybug_store.write("CALL current_setting('checkpoint_threshold') RETURN *")[0].values())))

    before = threshold()
    load_files(ladybug_store, files)
    assert ladybug_store.buffer_pool_mib == normal  # the copy ran in bulk mode and left it
    with ladybug_store.bulk_writes():
        assert threshold() == BULK_CHECKPOINT_BYTES != before
        assert ladybug_store.buffer_pool_mib == settings.bulk_buffer_pool_mib
        with ladybug_store.bulk_writes():  # nested: the outer one decides
            ladybug_store.write("MATCH (a:Accident) SET a.name = a.name + '·'")
        assert threshold() == BULK_CHECKPOINT_BYTES
    assert threshold() == before
    assert ladybug_store.buffer_pool_mib == normal
    wal = ladybug_store.path.with_name(ladybug_store.path.name + ".wal")  # type: ignore[attr-defined]
    assert not wal.exists() or wal.stat().st_size == 0
    assert ladybug_store.run("MATCH (a:Accident) WHERE a.name ENDS WITH '·' RETURN count(a) AS c") == [{"c": N}]
