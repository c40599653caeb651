"""Side-by-side benchmark of the two engines at national scale; writes bench/results.md and .json.

    python bench/benchmark.py --sizes 10000,100000,1000000      # the committed results
    python bench/benchmark.py --smoke                           # CI: 10k, numbers printed, nothing asserted

For each size the synthetic generator writes bulk files once (flat memory); then, each in its own
process so peak RSS is its own:
- LadybugDB: native COPY of the files, recurrence derivation, `analyze`, every audit warm (median
  and max of --repeats runs of the first page, 100 rows and the total), size on disk;
- Neo4j 5.26 (tools/neo4j/neo4jctl, Java + Maven jars): `neo4j-admin database import full` of the
  same files, then the same derivation and audits, the JVM's peak RSS; and the driver's batched
  UNWIND path into an empty server (up to --driver-max accidents: at 12-50k rows/s a 14M-row load
  takes many minutes).
Numbers, not assertions: tests never time anything.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import re
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported where used: the parent process never opens a store
    from safetykg.graph.store import StoreConfig

REPO = Path(__file__).resolve().parents[1]
NEO4JCTL = REPO / "tools" / "neo4j" / "neo4jctl"
PAGE = 100
SLOW_AUDIT_S = 10.0
# the accidents added to a loaded graph are the next quarter's (the loaded ones span 2015 to 2020), as a
# regulator's new records are: recurrence is re-derived for them against the year before
INCREMENT_PERIOD = ("2021-01-01", "2021-03-31")
AS_OF = "2021-06-30"  # the audits' and analyze's reference date: after every loaded accident and the increment's
STEP_MARK = "[benchmark step] "


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def disk_mib(path: Path) -> float:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) / 2**20


def jvm_peak_mib(pid_file: Path) -> float | None:
    try:
        pid = pid_file.read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


# ------------------------------------------------------------------ worker (one engine, one size)
def answer_digest(result: Any) -> str:
    """What an audit answered (the page's rows in order, the total, the count), hashed: equal digests on the
    two engines are the parity check at a size the tests do not reach."""
    seen = json.dumps([result.rows, result.total, result.count], ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(seen.encode("utf-8")).hexdigest()[:12]


def worker(args: argparse.Namespace) -> dict[str, Any]:
    from safetykg.graph.bulkfiles import BulkFiles
    from safetykg.graph.store import open_store
    from safetykg.loaders.bulk import derive_after_load, load_files
    from safetykg.queries.runner import list_audits, run_audit

    files = BulkFiles.read(Path(args.files))
    config = store_config(args)
    out: dict[str, Any] = {"rows": files.rows}
    store = open_store(config)
    try:
        out["engine"] = store.server_version()
        if args.load:
            step("load")
            began = time.perf_counter()
            load_files(store, files)
            out["load_s"] = round(time.perf_counter() - began, 2)
            out["rows_per_s"] = round(files.rows / out["load_s"])
            out["load_peak_rss_mib"] = round(peak_rss_mib(), 1)  # the load alone, before derivation and audits
        if store.engine == "neo4j":
            store.write("CALL db.awaitIndexes(600)")
        step("recurrence derivation")
        began = time.perf_counter()
        report = derive_after_load(store)
        out["derive_s"] = round(time.perf_counter() - began, 2)
        out["links"] = report.created + report.kept + report.updated
        out["derive_peak_rss_mib"] = round(peak_rss_mib(), 1)  # load and derivation: what `safetykg synthetic` runs
        if args.analyze:
            step("analyze")
            # in a process of its own, as `safetykg analyze` runs: its peak is its own, not this process's
            # (whose load and derivation left their memory behind), with the store closed here meanwhile
            store.close()
            alone = run_worker("--analyze-alone", "--files", args.files, "--batch-size", str(args.batch_size),
                               *(["--uri", args.uri] if args.uri else ["--data", args.data]))
            out.update({"analyze_error": alone["error"]} if "error" in alone else alone)
            store = open_store(config)
        audits: dict[str, dict[str, Any]] = {}
        for audit in list_audits():
            step(f"audit {audit.id}")
            params = {"as_of": AS_OF} if audit.param("as_of") else {}
            try:
                began = time.perf_counter()
                run_audit(store, audit, params, limit=PAGE)  # warm
                # an audit far over every target is timed once more, not five times: the run must end
                repeats = args.repeats if time.perf_counter() - began < SLOW_AUDIT_S else 1
                times = []
                for _ in range(repeats):
                    began = time.perf_counter()
                    result = run_audit(store, audit, params, limit=PAGE)
                    times.append(time.perf_counter() - began)
            except RuntimeError as exc:  # the engine gave up on this audit (e.g. its page cache): say so, go on
                audits[audit.id] = {"error": str(exc).splitlines()[0][:160]}
                continue
            audits[audit.id] = {"median_ms": round(statistics.median(times) * 1000, 1),
                                "max_ms": round(max(times) * 1000, 1), "total_rows": result.total, "runs": repeats,
                                "digest": answer_digest(result)}
        out["audits"] = audits
        if args.increment:
            step("increment")
            from safetykg.graph.schema import load_schema
            from safetykg.loaders.bulk import add_files
            from safetykg.loaders.synthetic import write_files

            extra = write_files(load_schema(), Path(tempfile.mkdtemp(prefix="safetykg-increment-")) / "files",
                                args.increment, seed=11, batch="T", period=INCREMENT_PERIOD)
            began = time.perf_counter()
            _, applied = add_files(store, extra)
            out["increment_s"] = round(time.perf_counter() - began, 2)
            out["increment_links"] = applied.created
    finally:
        store.close()
    out["client_peak_rss_mib"] = round(peak_rss_mib(), 1)
    if args.data:
        out["disk_mib"] = round(disk_mib(Path(args.data)), 1)
    return out


def store_config(args: argparse.Namespace) -> StoreConfig:
    from safetykg.graph.store import StoreConfig

    if args.uri:
        return StoreConfig(uri=args.uri, batch_size=args.batch_size)
    return StoreConfig(data_dir=Path(args.data), batch_size=args.batch_size)


def analyze_alone(args: argparse.Namespace) -> dict[str, Any]:
    """`safetykg analyze` as a user runs it (re-derive and compare the links, the analytics, their
    write-back, the report to a file), in this process of its own: its time and peak RSS."""
    from safetykg.cli.main import app

    where = ["--uri", args.uri] if args.uri else ["--data-dir", args.data]
    with tempfile.TemporaryDirectory(prefix="safetykg-analyze-") as tmp:
        report = Path(tmp) / "report.json"
        began = time.perf_counter()
        app([*where, "analyze", "--as-of", AS_OF, "--format", "json", "--out", str(report)], standalone_mode=False)
        seconds = time.perf_counter() - began
        report_mib = report.stat().st_size / 2**20
    return {"analyze_s": round(seconds, 2), "analyze_peak_rss_mib": round(peak_rss_mib(), 1),
            "analyze_report_mib": round(report_mib, 2)}


def step(name: str) -> None:
    """Where the worker is, on stderr: a failed run says in which step it failed."""
    print(f"{STEP_MARK}{name}", file=sys.stderr, flush=True)


def run_worker(*extra: str) -> dict[str, Any]:
    done = subprocess.run([sys.executable, str(Path(__file__).resolve()), "--worker", *extra],
                          capture_output=True, text=True, cwd=REPO)
    if done.returncode != 0:
        lines = done.stderr.strip().splitlines()
        steps = [line[len(STEP_MARK):] for line in lines if line.startswith(STEP_MARK)]
        return {"error": lines[-1] if lines else f"exit {done.returncode}", "failed_step": steps[-1] if steps else None}
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


# ------------------------------------------------------------------ Neo4j servers
class Neo4jHome:
    """A throw-away server home for neo4jctl (the shared jars linked in)."""

    def __init__(self, root: Path) -> None:
        shared = Path(os.environ.get("SAFETYKG_NEO4J_HOME", REPO / ".neo4j"))
        self.home = root / "neo4j-home"
        self.home.mkdir(parents=True)
        (self.home / "lib").symlink_to(shared / "lib", target_is_directory=True)
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        self.env = {**os.environ, "SAFETYKG_NEO4J_HOME": str(self.home), "NEO4J_PORT": str(self.port),
                    "SAFETYKG_NEO4J_HEAP": os.environ.get("SAFETYKG_NEO4J_HEAP", "2g"),
                    # the test servers' 256m per-transaction pool is too small for a national graph's
                    # analytics reads and recurrence writes (100k: MemoryPoolOutOfMemoryError)
                    "SAFETYKG_NEO4J_TX_MEMORY": os.environ.get("SAFETYKG_NEO4J_TX_MEMORY", "1g"),
                    "SAFETYKG_NEO4J_PAGECACHE": os.environ.get("SAFETYKG_NEO4J_PAGECACHE", "1g")}

    def ctl(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(NEO4JCTL), *args], env=self.env, capture_output=True, text=True, timeout=7200)

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    def peak_mib(self) -> float | None:
        return jvm_peak_mib(self.home / "neo4j.pid")

    def disk_mib(self) -> float:
        return disk_mib(self.home / "server" / "data")


def neo4j_admin(files: Path, work: Path, repeats: int, analyze: bool, increment: int) -> dict[str, Any]:
    home = Neo4jHome(work / "admin")
    began = time.perf_counter()
    done = home.ctl("import", str(files))
    seconds = time.perf_counter() - began
    if done.returncode != 0:
        return {"error": done.stderr.strip()[-300:]}
    if home.ctl("start", "--keep-data", "--port", str(home.port)).returncode != 0:
        return {"error": "neo4jctl start --keep-data failed"}
    try:
        out = run_worker("--uri", home.uri, "--files", str(files), "--repeats", str(repeats),
                         *(["--analyze"] if analyze else []), "--increment", str(increment))
        out["server_peak_rss_mib"] = home.peak_mib()
        out["disk_mib"] = round(home.disk_mib(), 1)
    finally:
        home.ctl("stop")
    rows = out.get("rows") or 0
    out.update(load_s=round(seconds, 2), rows_per_s=round(rows / seconds) if rows else None, path="neo4j-admin import")
    return out


def neo4j_driver(files: Path, work: Path, batch: int) -> dict[str, Any]:
    home = Neo4jHome(work / "driver")
    if home.ctl("start", "--port", str(home.port)).returncode != 0:
        return {"error": "neo4jctl start failed"}
    try:
        out = run_worker("--uri", home.uri, "--files", str(files), "--repeats", "1", "--load",
                         "--batch-size", str(batch))
        out["server_peak_rss_mib"] = home.peak_mib()
    finally:
        home.ctl("stop")
    out["path"] = "driver UNWIND"
    return out


# ------------------------------------------------------------------ report
def machine() -> dict[str, Any]:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    java = shutil.which("java")
    return {"cpu": cpu, "cores": os.cpu_count(), "mem_gib": round(mem / 2**20, 1), "python": platform.python_version(),
            "os": platform.platform(), "load_average_at_start": [round(x, 1) for x in os.getloadavg()],
            "java": subprocess.run([java, "-version"], capture_output=True, text=True).stderr.splitlines()[0]
            if java else None}


def _cell(value: Any) -> str:
    return "—" if value is None else str(value)


def _timing(run: dict[str, Any]) -> str:
    if run.get("error"):
        return f"failed: {run['error']}"
    return f"{_cell(run.get('median_ms'))} / {_cell(run.get('max_ms'))}"


def _ratio(a: Any, b: Any) -> str:
    try:
        return f"{float(a) / float(b):.2f}"
    except (TypeError, ValueError, ZeroDivisionError):
        return "—"


# the targets' GB read as 10^9 bytes, the stricter reading, in the MiB the table gives
GB2, GB4 = round(2e9 / 2**20, 1), round(4e9 / 2**20, 1)


def _verdict(value: Any, limit: float, unit: str, higher_is_better: bool = False) -> str:
    if value is None:
        return "not measured"
    ok = value >= limit if higher_is_better else value <= limit
    if ok:
        return f"met ({value:,} {unit})"
    factor = (limit / value) if higher_is_better else (value / limit)
    return f"**missed** ({value:,} {unit}, {factor:.1f}× the target)"


def targets(results: dict[str, Any]) -> list[str]:
    """The issue's targets against what this run measured."""
    runs = results["runs"]
    lines = ["## Targets (issue 12) against this run", "", "| target | result |", "|---|---|"]
    for size, limit_ms in (("100000", 1000), ("1000000", 2000)):
        lady = (runs.get(size) or {}).get("ladybug") or {}
        audits = lady.get("audits") or {}
        timed = {a: t for a, t in audits.items() if "median_ms" in t}
        if timed:
            worst = max(timed.items(), key=lambda kv: kv[1]["median_ms"])
            slow = [a for a, t in audits.items() if t.get("median_ms", float("inf")) > limit_ms]
            lines.append(f"| every audit ≤ {limit_ms / 1000:g} s at {int(size):,} (embedded, median) | "
                         f"{'met' if not slow else '**missed** by ' + ', '.join(slow)}; slowest {worst[0]} "
                         f"{worst[1]['median_ms']} ms |")
            neo = ((runs.get(size) or {}).get("neo4j_admin") or {}).get("audits") or {}
            if neo:
                over = [a for a, t in neo.items()
                        if a in timed and t.get("median_ms", float("inf")) > 2 * max(timed[a]["median_ms"], limit_ms)]
                lines.append(f"| Neo4j within 2× of the embedded target at {int(size):,} | "
                             f"{'met' if not over else '**missed** by ' + ', '.join(over)} |")
    big = runs.get("1000000") or {}
    lady = big.get("ladybug") or {}
    lines += [
        f"| 1M loaded embedded ≤ 60 s | {_verdict(lady.get('load_s'), 60, 's')} |",
        f"| 1M load peak RSS ≤ 2 GB (client, load alone) | {_verdict(lady.get('load_peak_rss_mib'), GB2, 'MiB')} |",
        f"| 1M generator peak RSS ≤ 2 GB | {_verdict(big.get('generate_rss_mib'), GB2, 'MiB')} |",
        f"| 1M load and first derivation (what `safetykg synthetic` runs after generating) ≤ 2 GB | "
        f"{_verdict(lady.get('derive_peak_rss_mib'), GB2, 'MiB')} |",
        f"| native path ≥ 500k rows/s | {_verdict(lady.get('rows_per_s'), 500_000, 'rows/s', True)} |",
        f"| `safetykg analyze` at 1M ≤ 5 min (embedded) | {_verdict(lady.get('analyze_s'), 300, 's')} |",
        f"| `safetykg analyze` at 1M ≤ 4 GB (embedded, peak of its own process) | "
        f"{_verdict(lady.get('analyze_peak_rss_mib'), GB4, 'MiB')} |",
    ]
    neo_big = big.get("neo4j_admin") or {}
    if neo_big.get("analyze_s"):  # the issue names no engine; the default is the embedded one, Neo4j shown beside it
        lines += [
            f"| `safetykg analyze` at 1M ≤ 5 min (Neo4j) | {_verdict(neo_big.get('analyze_s'), 300, 's')} |",
            f"| `safetykg analyze` at 1M ≤ 4 GB (Neo4j, client process) | "
            f"{_verdict(neo_big.get('analyze_peak_rss_mib'), GB4, 'MiB')} |",
        ]
    lines += [
        f"| add 1k accidents to 1M and re-derive ≤ 10 s | {_verdict(lady.get('increment_s'), 10, 's')} |",
        f"| neo4j-admin import of 1M measured | {neo_big.get('load_s', 'not measured')} s |",
    ]
    driver = max((runs[s].get("neo4j_driver") or {} for s in runs), key=lambda d: d.get("rows") or 0, default={})
    lines.append(f"| Neo4j driver path ≥ 50k rows/s | {_verdict(driver.get('rows_per_s'), 50_000, 'rows/s', True)} |")
    return [*lines, "", NOTES, ""]


NOTES = """### Why targets are missed here, and what would close them

- **The run** (2026-12-04, ninth session): the three sizes on every path, one command, 31 minutes,
  begun at a load average of 1.4. The same measure moves between runs on this machine (the 1M
  load took 30.9 s in the eighth session's run and 34.1 s in this one; 43-48 s in the seventh
  session's with the earlier schema), so compare sizes within one run. Every audit's answer (page,
  total and count) is hashed on each path, and every digest at each size equals LadybugDB's (the
  `same answer` column).
- **1M on Neo4j** (neo4j-admin import): import 85.9 s (202k rows/s; 99.7-184 s in earlier
  sessions), recurrence and enforcement values derived in 178 s (205 s in the eighth session's run;
  the same 915,389 links; the enforcement values in chunks of 100k nodes, so no transaction holds
  1.4M updates in the heap), the next quarter's 1k accidents added and re-derived in 8.3 s, audits
  from 4 ms to 8.6 s, JVM peak 2.7 GB. On disk 6.8 GB after the whole run, 4.6 GB in the eighth
  session's; the directory holds the transaction logs of what each run wrote, not only the store.
- **`safetykg analyze` at 1M on Neo4j: 407 s in this run (571 s in the eighth session's), 2,045 MiB;
  1.4× the 5 minutes the issue sets, which the targets table reads, like every target that names no
  engine, on the embedded default.** Timed stage by stage in the eighth session (578 s): deriving
  89 s, comparing the 915k stored links 53 s, the analytics 339 s, writing their values back to
  1.85M nodes 97 s. The analytics' 339 s were mostly their reads: the Python driver spends 12-18 µs
  of client CPU on each record it returns (with its Rust extension), so reading 1M accidents' id,
  kind and date took 20 s where the server produced the rows in 0.8 s. Whole-label reads now go
  through `Store.iter_label_rows`, which Neo4j answers in pages of 20,000 nodes in key order (a
  seek of the key's unique index from the page before), a page's rows returned as one list: that
  read 2.6-3.1 s, the 1.38M penalties' item columns 41 -> 6.4 s, the links 22.5 -> 6.7 s; the
  analytics on one 1M graph 353 -> 214 s. What is left: the analytics' Python work (about the same
  on both engines), the first write-back of values to 1.85M nodes (~97 s, at the rate the server
  writes: see the driver path below) and the derivation. Only changed values are written, so a
  second analysis writes none; a first one on two cores stays above 5 minutes unless the analytics
  run in the server (the Graph Data Science library) or the server has more cores to write with.
- **`safetykg analyze` at 1M: 196 s and 3,082 MiB in this run (196 s and 3,082 MiB in the eighth
  session's, 185 s and 3,089 MiB in the seventh's), both met.** Until the seventh session the benchmark
  timed the analytics and their write-back alone (170 s, 3,843 MiB), not the command a user runs.
  The command itself, on the 1M graph, took 4:30, peaked at 11.5 GiB and wrote a 1.1 GB JSON
  report. That report listed every link, actor, open item, cluster and lead time, with every
  accident's name. The row is now the command, in a process of its own, report to a file. What
  changed:
  - the report lists at most `--list` entries of each list (default 1000; the totals always);
  - the derivation's memory is let go before the analytics: `Store.release_memory` reopens
    LadybugDB's database and returns what glibc holds, 2.06 -> 0.94 GB;
  - stored links are compared as they stream by;
  - deriving reads no names, and only operators responsible for more than one accident;
  - the write-back commits each batch of 20k on its own.
  Run by run: 11.5 GiB -> 3,526 MiB (report and derivation) -> 4,672 MiB on a first analysis, whose
  write-back changes 1.85M nodes -> 3,989 MiB (batched write-back) -> 3,089 MiB (release between
  the phases). Of the 3.1 GB, the analytics themselves add 2.2 GB (open items, chain graph, clusters
  and lead times as Python objects); the page cache's size made no difference to them (3,285 MiB at
  3 GiB, 3,292 at 1.5 GiB). Sampled betweenness walks each breadth-first search a level at a time in
  numpy (`safetykg/graph/brandes.py`).
- **Adding 1k accidents to 1M: 3.1 s in this run** (3.1 s in the eighth session's, 3.0-4.2 s in the seventh's three runs,
  3.9-10.0 s in earlier ones). The increment is the next quarter's accidents (2021-01 to 2021-03). Each province
  rule declares which accidents it can pair (`could_pair`), and re-deriving reads only the new
  accidents' provinces within 365 days of a new one, for accidents that meet a condition (14k at
  1M); what hangs off the accidents found by key is read with `OPTIONAL MATCH` (LadybugDB 0.22
  planned a `MATCH` there as a hash join over the whole pattern, 0.8-1.3 s each).
- **Audits at 1M (embedded): all fourteen ≤ 2 s; the slowest `regulatory-blind-spots` at 1.45 s in this
  run (1.42 s in the eighth session's, 1.29 s in the seventh's, 1.81 s in the sixth's).**
  - `repeat-incidents`: 0.77 s in this run (0.74 s in the eighth session's) (2.05 s -> 0.94 s in the sixth session). LadybugDB had
    read every property of the earlier accident of all 78,597 pairs by primary key before the page was cut (1.0 s). `RECURRENCE_OF` now also
    stores the earlier accident's id (`earlier_id`, derived with the link) and the earlier day is the
    later one's less the link's `days`, so the rows are ordered and paged from the links alone and the
    earlier accident is found again for the page only (rows query 0.9 -> 0.41 s). Its count runs as
    two statements (a count section may repeat `// ---- count`; the runner sums x and y): y over 1M
    accidents and x over 79k links took 0.45 s apart, 0.65 s as one statement, 0.9 s as a UNION ALL.
  - `cross-province`: 0.62 s in this run (0.63 s in the eighth session's, 0.88 s in the sixth, 5.8 s
    in the fifth). Two values are derived after every load
    (`safetykg/graph/enforcement.py`): `cross_province` on each Penalty and Discipline, and
    `enforcement_assignments` on each Accident. The rows start from the items whose flag is true or
    not derived (null) and check each in full; y sums the counts. Every write clears the values it
    could change, and a value not derived costs time, never an answer.
  - `regulatory-blind-spots` (1.45 s in this run, 0 rows): the anti-join of 854k enterprises with their
    supervising departments, once for the rows and once for the count (0.6-0.9 s each). Tried: the
    enterprises without a supervisor first (0.6 s for the rows), not adopted: within the noise of
    the whole audit.
- **Native COPY: 509k rows/s at 1M in this run, met** (34.1 s; 561k and 30.9 s in the eighth
  session's run; 337k at 100k, where fixed costs weigh more). The seventh session's runs gave
  364-403k (46.6 s) and timed the 1M load table by
  table (46-48 s in all, 173% CPU of the two cores): node tables at 315-520k rows/s, the large
  relationship tables at 340-420k, no table standing out, but each relationship table spending
  about 40% of its copy on its list column. `source_ids`, the provenance on every relationship,
  left null, the 1M `RESPONSIBLE_FOR` rows copied in 1.4 s instead of 2.4, and how the list was made
  (split, a one-item list, a split only where the cell has a `;`) changed nothing. A relationship's
  sources are now one string, the ids joined by `;` (schema type `id_list`, read with
  `schema.id_items`; an embedded graph of an earlier release is retyped when first opened for
  writing): the same files then copied in 32.2 s table by table, the relationship tables at
  630-780k rows/s. The CSV cells are the same bytes; only the header's type changed. Measured and
  not adopted: the files as Parquet copied in 41 s with lists and 25 s with strings; one CSV
  directory feeds both engines (`neo4j-admin` reads Parquet only as a public beta, from 5.25).
  Each table is one COPY of all its chunks; a direct `COPY … FROM 'file'` was no faster than the
  typed `LOAD WITH HEADERS` subquery.
- **Recurrence at 1M**: 915k links (639k from the province-and-tag rule, which grows with the square
  of the tagged accidents per province and year), derived and written in 250 s in this run, with the
  enforcement values (231 s in the eighth session's, 298 s in the sixth's). LadybugDB's COPY of Accident-to-Accident
  links into the 1M graph fails with "buffer pool is full" even for 10k links, so above 200k
  accidents the links go in batches of 1,000 `UNWIND … CREATE`s as they are derived. What would
  close it: links derived from the bulk files and copied with them.
- **Memory**: the load alone peaks at 784 MiB in this run; the load and the first derivation, which
  is what `safetykg synthetic --accidents 1000000` runs after writing the files (20 MiB), at
  1,459 MiB (the row "after load and derivation"). `/usr/bin/time` gave the whole command 1,784 MiB
  before the seventh session's changes and 1,506 MiB after them (the derivation reads no names and
  only the operators that can pair: the records of 1M accidents, 483 -> 176 MiB), and 1,503 MiB in
  the eighth session (5:45 wall clock; its COPY 30.5 s, 569k rows/s). The
  audits use a 3 GiB page cache at 1M (`department-scorecard` and `cross-province` need more than
  1 GiB for their joins), so the whole run's peak is larger than either. The targets' GB are read as
  10^9 bytes (2 GB = 1,907 MiB, 4 GB = 3,815 MiB).
- **Wrong answers found on LadybugDB 0.22** at 100k and avoided: a list-property filter followed by
  two extensions dropped rows (`repeat-incidents` 612 instead of 703); see `docs/scale.md`.
- **Neo4j driver path: 20.6k rows/s at 100k in this run** (84.6 s; 20.1k in the eighth session's,
  16.1k in the sixth's): the issue's 50k is beyond what this server writes at all on two cores.
  `bench/neo4j_ceiling.py` loads each of the 100k files through the driver path and then has the
  server copy the same rows itself, page by page: no rows through the driver, no MERGE, no lookup of
  the ends, the same constraints and indexes kept (`bench/neo4j_ceiling.md`, ninth session). The
  driver path's writes took 65.8 s (26.5k rows/s), the server's own copy 41.7 s (**41.7k rows/s**),
  from 11k rows/s for the 24-column accidents to 62k for the smallest relationships. No client
  takes a Cypher load past the server's own copy. The benchmark's 84.6 s adds the loader's
  bookkeeping: which derived values the written rows make stale (`enforcement.invalidate`), read
  and cleared by key. Tried before: one map `SET n += r` instead of a SET per column (no change in
  a real load), CREATE for new keys (18-21k rows/s against 17k for MERGE), two writers on one
  server (1.22× on 100k accidents' worth of nodes, with lock waits on shared departments to retry;
  not adopted). What would close 50k rows/s: more server cores. On two, `neo4j-admin` import
  (202k rows/s at 1M) is the national path and the driver path is for increments (1k accidents
  added to 1M in 8.3 s).
- **Neo4j audits at 1M: eleven of fourteen within 2× of the 2 s target (≤ 4 s) in this run**, eight
  in the eighth session's, seven in the sixth's, five before. Four audits have a Neo4j variant
  (`safetykg/queries/<id>.neo4j.cypher`, sections that replace the shared ones on Neo4j; the
  parity tests and this run's digests check the answers are the same). Neo4j's planner takes
  `a.day <= $as_of_day` to keep about 3% of the accidents, and at 1M it started from that range
  seek, walking every accident's chain or place, where the links or items the audit is about are
  few; in the variants `WITH DISTINCT` ends the query part once those are found. On one 1M graph:
  `repeat-incidents` 17.4 -> 8.6 s, `short-interval-relapse` 12.2 -> 3.7 s, `cross-province` 15.9
  -> 2.8 s (its count one scan of the accidents instead of three), `regulatory-blind-spots` 8.6 ->
  2.5 s; in this run 8.6, 3.6, 2.9 and 2.4 s. LadybugDB keeps the shared text: with the same
  horizon it ran them 2-3× slower at 100k. The three that miss:
  - `repeat-incidents` (8.6 s): its rows, total and x each filter the 915k links (1.5-2.5 s each)
    and y walks the 1M accidents placed in a prefecture (2.4 s);
  - `department-scorecard` (5.4 s): one statement over 2.5M items and their departments;
  - `rectification-overdue` (4.3 s): the 1M measures scanned for the count (2.6 s) and again for
    the page (2.3 s).
  Each reads several properties of a million rows: Neo4j Community reads properties a row at a time
  (slotted runtime, no parallel runtime), where LadybugDB scans a column. What would close them:
  Enterprise's parallel runtime, or derived per-item flags, as `cross-province` has, audit by audit.
  Four audits' rows are exactly the items their count's x counts (`// total: x`), so a page's total
  comes from the count and not from a pass of its own.
- **Dashboard first paint at 1M: met** (`bench/first_paint.py` on the 1M graph that `safetykg
  synthetic --accidents 1000000` built, headless Chromium, first visit / second visit; not part of
  this script's run): overview 1.93 / 1.35 s, audit pages 1.28-1.36 s, the server's preparation
  done 9.8 s after it answered (eighth session). The sixth session's runs gave overview 2.02 / 1.37
  and 2.19 / 1.40 s, audit pages 0.93-1.57 s. Before that session's change the same script gave
  3.16 / 1.28 and 3.89 / 1.63 s (3.47 / 1.51 s the session before). The overview now shows the open
  items before the map and the charts: Streamlit's charts load Vega on a browser's first visit, and
  placed above the open items they held the first paint back (a fresh browser per visit, to the
  numbers and the open items: 2.5-3.2 s with the charts above, 2.1-2.8 s below; the charts still
  load, after them). The server prepares the overview and every audit's default first page in a
  background thread when it starts and whenever the graph changes (`safetykg/dashboard/prepared.py`;
  11-17 s after the server answers at 1M); a fresh browser's first Streamlit page costs 1.3-1.9 s
  here before any data.
"""


def _busy(machine: dict[str, Any]) -> bool:
    """Whether the run began on a machine already doing other work (the one-minute load average)."""
    loads = re.findall(r"[0-9.]+", str(machine.get("load_average_at_start", "")))
    return bool(loads) and float(loads[0]) > 1.0


def _same(mine: dict[str, Any], other: dict[str, Any]) -> str:
    """Whether the two engines gave the same page, total and count (by digest); `-` when one is missing."""
    if not mine.get("digest") or not other.get("digest"):
        return "-"
    return "yes" if mine["digest"] == other["digest"] else "**NO**"


def render(results: dict[str, Any]) -> str:
    m = results["machine"]
    lines = [
        "# safetykg benchmark",
        "",
        f"Written by `python bench/benchmark.py {results['argv']}` on {results['date']}.",
        "",
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['mem_gib']} GiB RAM, {m['os']}, Python {m['python']}, "
        f"{m['java'] or 'no Java'}. Load average when the run began: {m['load_average_at_start']}"
        + (" — other processes shared the CPU, so every time below is pessimistic." if _busy(m) else "."),
        "",
        "Audit latency is one page (first 100 rows, with the total) as `run_audit(..., limit=100)` and the "
        "dashboard ask for it, warm, over the stated runs.",
        "",
    ]
    for size in results["sizes"]:
        block = results["runs"].get(str(size))
        if block is None:
            continue
        lady, admin, driver = block.get("ladybug") or {}, block.get("neo4j_admin") or {}, block.get("neo4j_driver") or {}
        lines += [
            f"## {size:,} accidents ({block['rows']:,} rows, {block['files']} files; generated in {block['generate_s']} s, "
            f"generator peak RSS {block['generate_rss_mib']} MiB)",
            "",
            "| measure | LadybugDB (COPY) | Neo4j (neo4j-admin import) | ratio embedded/Neo4j | Neo4j driver UNWIND |",
            "|---|---|---|---|---|",
        ]
        for key, name in (("load_s", "load s"), ("rows_per_s", "rows/s"), ("derive_s", "recurrence derive s"),
                          ("links", "RECURRENCE_OF links"), ("analyze_s", "`safetykg analyze` s"),
                          ("increment_s", "add 1k accidents + re-derive s"),
                          ("load_peak_rss_mib", "client peak RSS after the load MiB"),
                          ("derive_peak_rss_mib", "client peak RSS after load and derivation MiB"),
                          ("analyze_peak_rss_mib", "`safetykg analyze` peak RSS (own process) MiB"),
                          ("analyze_report_mib", "`safetykg analyze` JSON report MiB"),
                          ("client_peak_rss_mib", "client peak RSS MiB"), ("server_peak_rss_mib", "Neo4j JVM peak RSS MiB"),
                          ("disk_mib", "size on disk MiB")):
            lines.append(f"| {name} | {_cell(lady.get(key))} | {_cell(admin.get(key))} | "
                         f"{_ratio(lady.get(key), admin.get(key))} | {_cell(driver.get(key))} |")
        for label, run in (("LadybugDB", lady), ("neo4j-admin", admin), ("driver", driver)):
            if run.get("error"):
                during = f" (during {run['failed_step']})" if run.get("failed_step") else ""
                lines.append(f"\n{label} failed{during}: `{run['error']}`")
        lines += ["", "| audit | rows | LadybugDB median / max ms | Neo4j median / max ms | ratio (median) | same answer |",
                  "|---|---|---|---|---|---|"]
        mine_all, other_all = lady.get("audits") or {}, admin.get("audits") or {}
        for audit in dict.fromkeys([*mine_all, *other_all]):  # an engine that failed still shows the other's
            timing, other = mine_all.get(audit, {}), other_all.get(audit, {})
            rows = timing.get("total_rows", other.get("total_rows"))
            lines.append(f"| {audit} | {rows} | {_timing(timing)} | {_timing(other)} | "
                         f"{_ratio(timing.get('median_ms'), other.get('median_ms'))} | {_same(timing, other)} |")
        lines.append("")
    lines += targets(results)
    return "\n".join(lines) + "\n"


# ------------------------------------------------------------------ main
def generate(size: int, root: Path) -> dict[str, Any]:
    """Write the bulk files (in a child process, for its own peak RSS); reused when already there."""
    stats = root.with_name(root.name + ".generate.json")
    if (root / "manifest.json").is_file() and stats.is_file():
        return dict(json.loads(stats.read_text(encoding="utf-8")))
    script = ("import json,resource,sys,time;from pathlib import Path;from safetykg.graph.schema import load_schema;"
              "from safetykg.loaders.synthetic import write_files;t=time.perf_counter();"
              "f=write_files(load_schema(),Path(sys.argv[2]),int(sys.argv[1]));"
              "print(json.dumps({'rows':f.rows,'files':len(f.nodes)+len(f.rels),'generate_s':round(time.perf_counter()-t,1),"
              "'generate_rss_mib':round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss/1024,1)}))")
    done = subprocess.run([sys.executable, "-c", script, str(size), str(root)], capture_output=True, text=True,
                          check=True, cwd=REPO)
    stats.write_text(done.stdout.strip().splitlines()[-1], encoding="utf-8")
    return dict(json.loads(done.stdout.strip().splitlines()[-1]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="10000,100000,1000000")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--driver-max", type=int, default=100000, help="largest size loaded through the driver")
    parser.add_argument("--analyze-max", type=int, default=100000, help="largest size `analyze` runs on")
    parser.add_argument("--no-neo4j", action="store_true")
    parser.add_argument("--only", default="ladybug,neo4j-admin,driver",
                        help="the parts to run (comma list); the others are kept from --previous")
    parser.add_argument("--increment", type=int, default=1000, help="accidents added to the loaded graph afterwards")
    parser.add_argument("--smoke", action="store_true", help="CI: 10k accidents, 1 run, print only")
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    parser.add_argument("--previous", type=Path, action="append", default=[],
                        help="results.json of an earlier run whose sizes are kept beside these (repeatable)")
    parser.add_argument("--render", action="store_true",
                        help="measure nothing: write results.md from the --previous runs (e.g. sizes run apart)")
    parser.add_argument("--files-root", type=Path, help="keep (and reuse) the generated files here, one folder per size")
    # worker mode (one engine, one size, in its own process)
    parser.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--files", help=argparse.SUPPRESS)
    parser.add_argument("--data", help=argparse.SUPPRESS)
    parser.add_argument("--uri", help=argparse.SUPPRESS)
    parser.add_argument("--load", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--analyze", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--analyze-alone", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(analyze_alone(args) if args.analyze_alone else worker(args)))
        return
    if args.smoke:  # CI: a few minutes; the driver path and analyze have their own tests
        args.sizes, args.repeats, args.driver_max, args.analyze_max, args.increment = "10000", 1, 0, 0, 1000
    sizes = [int(s) for s in args.sizes.split(",")]
    has_neo4j = not args.no_neo4j and shutil.which("java") is not None and NEO4JCTL.exists()
    results: dict[str, Any] = {"argv": " ".join(sys.argv[1:]), "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                               "machine": machine(), "sizes": sizes, "runs": {}}
    if args.render:
        sizes, results["sizes"], results["argv"], runs_meta = [], [], "", []
    for previous in args.previous:
        earlier = json.loads(previous.read_text(encoding="utf-8"))
        results["runs"].update(earlier["runs"])
        results["sizes"] = sorted(set(earlier["sizes"]) | set(results["sizes"]))
        results["argv"] = f"{earlier['argv']}` and `{results['argv']}" if results["argv"] else earlier["argv"]
        if args.render:  # the machine and load of each run, not of the rendering moment
            runs_meta.append(earlier["date"])  # its load average is printed with its machine
            results["machine"] = earlier["machine"]
            results["date"] = "; ".join(runs_meta)
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix=f"safetykg-bench-{size}-") as tmp:
            work = Path(tmp)
            files = args.files_root / str(size) if args.files_root else work / "files"
            block = {**results["runs"].get(str(size), {}), **generate(size, files)}  # parts not rerun are kept
            analyze = size <= args.analyze_max
            parts = set(args.only.split(","))
            print(f"[{size}] generated {block['rows']} rows in {block['generate_s']} s", file=sys.stderr, flush=True)
            if "ladybug" in parts:
                block["ladybug"] = run_worker("--files", str(files), "--data", str(work / "lady"), "--load",
                                              "--repeats", str(args.repeats), *(["--analyze"] if analyze else []),
                                              "--increment", str(args.increment))
                block["ladybug"]["path"] = "COPY"
                print(f"[{size}] LadybugDB: {json.dumps(block['ladybug'], ensure_ascii=False)}", file=sys.stderr,
                      flush=True)
                shutil.rmtree(work / "lady", ignore_errors=True)
            if has_neo4j and "neo4j-admin" in parts:
                block["neo4j_admin"] = neo4j_admin(files, work, args.repeats, analyze, args.increment)
                print(f"[{size}] neo4j-admin: {json.dumps(block['neo4j_admin'], ensure_ascii=False)}",
                      file=sys.stderr, flush=True)
            if has_neo4j and "driver" in parts and size <= args.driver_max:
                block["neo4j_driver"] = neo4j_driver(files, work, args.batch_size)
                print(f"[{size}] driver: {json.dumps(block['neo4j_driver'], ensure_ascii=False)}",
                      file=sys.stderr, flush=True)
            results["runs"][str(size)] = block
        report = render(results)
        if not args.smoke:  # written after every size, so a long run leaves what it measured
            args.out.write_text(report, encoding="utf-8")
            args.out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    if args.render:
        report = render(results)
        args.out.write_text(report, encoding="utf-8")
        args.out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=1), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
