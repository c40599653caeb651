"""Crash safety and two processes on one store.

- A load on a full disk (a real tmpfs, mounted when the tests run as root) fails cleanly, and the
  store opens afterwards with its previous content without any manual step.
- A load killed with SIGKILL at random moments and re-run converges to exactly the graph of a clean load.
- A second writer on the embedded store fails within seconds naming the PID; nothing hangs or corrupts.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

BASE = """sources:
  - {id: S1, title: 测试来源, url: "http://example.org/a", kind: news, reliability: media}
nodes:
  - {label: Region, adcode: "220000", name: 吉林省, level: province, sources: [S1]}
  - {label: Accident, id: ACC-BASE, name: 基础事故, deaths: 3, adcode: "220000", sources: [S1]}
"""


def _many(count: int, filler: int = 0) -> str:
    lines = ["nodes:"]
    for i in range(count):
        lines.append(f"  - {{label: Accident, id: ACC-{i:05d}, name: 事故{i}{'长' * filler}, deaths: {i % 50}, "
                     f'adcode: "220000", sources: [S1]}}')
        lines.append(f"  - {{label: Enterprise, id: ENT-{i:05d}, name: 企业{i}, sources: [S1]}}")
    lines.append("relationships:")
    for i in range(count):
        lines.append(f"  - {{type: RESPONSIBLE_FOR, from: ENT-{i:05d}, to: ACC-{i:05d}, role: 责任单位, sources: [S1]}}")
    return "\n".join(lines) + "\n"


def _cli(*args: str, target: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run([sys.executable, "-m", "safetykg", *target, *args], env={**clean, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def _stats(target: list[str]) -> dict[str, dict[str, int]]:
    done = _cli("stats", "--format", "json", target=target)
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    return {"labels": stats["labels"], "relationships": stats["relationships"]}


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Path]:
    """A 24 MB tmpfs: a disk that really fills up."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("needs root to mount a tmpfs (runs in CI as root)")
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs", str(mount)], capture_output=True, text=True)
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)


def _fill(disk: Path, leave_bytes: int) -> Path:
    filler = disk / "filler"
    free = shutil.disk_usage(disk).free
    with filler.open("wb") as handle:
        handle.truncate(0)
        remaining = free - leave_bytes
        chunk = b"\0" * (1 << 20)
        while remaining > 0:
            handle.write(chunk[: min(len(chunk), remaining)])
            remaining -= len(chunk)
    return filler


def test_full_disk_load_fails_cleanly_and_the_store_keeps_its_content(tmpfs: Path, tmp_path: Path):
    target = ["--data-dir", str(tmpfs / "g")]
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    big = tmp_path / "big.yaml"
    big.write_text(_many(1500, filler=200), encoding="utf-8")
    assert _cli("load", str(base), target=target).returncode == 0
    before = _stats(target)
    filler = _fill(tmpfs, leave_bytes=1 << 20)
    # 1. the free-space check refuses before writing anything
    refused = _cli("load", str(big), target=target)
    assert refused.returncode == 1 and "not enough free space" in refused.stderr and "Traceback" not in refused.stderr
    assert _stats(target) == before
    # 2. a disk that fills during the load (check skipped): the load fails, the WAL is left cut off …
    crashed = _cli("load", str(big), target=target, env={"SAFETYKG_SPACE_CHECK": "0"})
    assert crashed.returncode != 0
    # … and the next open moves it aside, says so, and shows the previous content — disk still full
    reopened = _cli("stats", "--format", "json", target=target)
    assert reopened.returncode == 0, reopened.stderr
    assert {k: json.loads(reopened.stdout)[k] for k in ("labels", "relationships")} == before
    if list((tmpfs / "g").glob("*.wal.corrupt-*")):
        assert "recovered" in reopened.stderr
    # 3. with room again, loads work and the store is whole
    filler.unlink()
    for leftover in (tmpfs / "g").glob("*.wal.corrupt-*"):
        leftover.unlink()
    assert _cli("load", str(big), target=target).returncode == 0
    after = _stats(target)
    assert after["labels"]["Accident"] == 1501 and after["relationships"]["RESPONSIBLE_FOR"] == 1500


def _kill_and_rerun(target: list[str], data: Path, kills: int, seed: int) -> None:
    chance = random.Random(seed)
    for _ in range(kills):
        clean = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
        process = subprocess.Popen([sys.executable, "-m", "safetykg", *target, "load", str(data)], env=clean,
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        time.sleep(chance.uniform(0.8, 6.0))
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=60)
    done = _cli("load", str(data), target=target)
    assert done.returncode == 0, done.stderr


CONTENT = ("MATCH (e:Enterprise)-[r:RESPONSIBLE_FOR]->(a:Accident) "
           "RETURN count(*) AS n, sum(a.deaths) AS deaths, min(e.id) AS first, max(a.id) AS last")


@pytest.mark.parametrize("engine", ["ladybug", "neo4j"])
def test_load_killed_at_random_moments_then_rerun_equals_a_clean_load(engine: str, tmp_path: Path,
                                                                      request: pytest.FixtureRequest):
    data = tmp_path / "data.yaml"
    data.write_text(BASE + _many(1500)[len("nodes:\n"):].replace("relationships:", "relationships:", 1), encoding="utf-8")
    if engine == "neo4j":
        from safetykg.graph.store import StoreConfig, open_store

        uri = request.getfixturevalue("neo4j_uri")
        killed_target = clean_target = ["--uri", uri]
        with open_store(StoreConfig(uri=uri)) as store:
            store.clear()
    else:
        killed_target, clean_target = ["--data-dir", str(tmp_path / "killed")], ["--data-dir", str(tmp_path / "clean")]
    _kill_and_rerun(killed_target, data, kills=3, seed=13)
    killed_stats = _stats(killed_target)
    killed_content = _cli("query", CONTENT, "-f", "json", target=killed_target).stdout
    if engine == "neo4j":
        with open_store(StoreConfig(uri=uri)) as store:
            store.clear()
    assert _cli("load", str(data), target=clean_target).returncode == 0
    assert killed_stats == _stats(clean_target)
    assert killed_content == _cli("query", CONTENT, "-f", "json", target=clean_target).stdout
    assert json.loads(killed_content)[0]["n"] == 1500


HOLD = """
import sys, time
from pathlib import Path
from safetykg.graph.store import StoreConfig, open_store
store = open_store(StoreConfig(data_dir=Path(sys.argv[1])))
with store.transaction():
    store.write("UNWIND [1] AS x MERGE (s:Source {id: 'S-HOLD'}) SET s.title = 'held'")
    print("holding", flush=True)
    time.sleep(float(sys.argv[2]))
store.close()
"""


def test_a_second_writer_fails_within_seconds_naming_the_pid(tmp_path: Path):
    target = ["--data-dir", str(tmp_path / "g")]
    base = tmp_path / "base.yaml"
    base.write_text(BASE, encoding="utf-8")
    assert _cli("load", str(base), target=target).returncode == 0
    before = _stats(target)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path / "g"), "40"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        began = time.monotonic()
        second = _cli("load", str(base), target=target, timeout=60)
        assert time.monotonic() - began < 30
        assert second.returncode == 1 and f"PID {holder.pid}" in second.stderr and "Traceback" not in second.stderr
        reader = _cli("stats", "--format", "json", target=target, timeout=60)  # the dashboard's read-only opener
        assert reader.returncode in (0, 1) and "Traceback" not in reader.stderr
        if reader.returncode == 1:
            assert f"PID {holder.pid}" in reader.stderr
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert _stats(target) == before  # the killed holder's write never happened; the store opens


def test_synthetic_killed_during_the_bulk_copy_is_refused_for_reading_and_redone_by_a_rerun(tmp_path: Path):
    """The finding: a killed `synthetic` left 203,994 nodes and 3,960 of 363,960 relationships, readable as
    if it were a graph, that only `reset` cleared. Now a marker names the fragment until the last table is in:
    readers are refused with a clear message, and the next bulk load starts over."""
    files = tmp_path / "files"
    assert _cli("synthetic", "--accidents", "3000", "--out", str(files), "--no-load",
                target=["--data-dir", str(tmp_path / "unused")]).returncode == 0
    killed = ["--data-dir", str(tmp_path / "killed")]
    marker = tmp_path / "killed" / "safetykg.lbug.bulk-incomplete"
    for _ in range(100):  # kill while the marker stands, i.e. inside the COPY sequence
        proc = subprocess.Popen([sys.executable, "-m", "safetykg", *killed, "synthetic", "--accidents", "3000"],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        began = time.monotonic()
        while not marker.exists() and proc.poll() is None and time.monotonic() - began < 120:
            time.sleep(0.005)
        proc.kill()
        proc.wait()
        if marker.exists():
            break
        _cli("reset", "--yes", target=killed)
    assert marker.exists(), "the bulk copy never ran long enough to be killed inside it"
    refused = _cli("stats", target=killed)
    assert refused.returncode != 0 and "中断的批量导入" in refused.stderr and "Traceback" not in refused.stderr
    assert _cli("synthetic", "--accidents", "3000", target=killed).returncode == 0
    assert not marker.exists()
    clean = ["--data-dir", str(tmp_path / "clean")]
    assert _cli("synthetic", "--accidents", "3000", target=clean).returncode == 0
    assert _stats(killed) == _stats(clean)
