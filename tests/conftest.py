"""Fixtures: every store test runs on the embedded engine and on a real Neo4j 5 server.

Neo4j comes from `NEO4J_TEST_URI` when set (a disposable database: the tests clear it, so they
also need SAFETYKG_TEST_MAY_CLEAR=1), otherwise from tools/neo4j/neo4jctl, which
starts Neo4j 5.26 Community from Maven Central jars when Java and Maven are present.
Without them the Neo4j tests skip and say why; with REQUIRE_NEO4J=1 (CI) they fail.
"""

from __future__ import annotations

import inspect
import os
import re
import shutil
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from safetykg.graph.store import Store, StoreConfig, open_store

REPO = Path(__file__).resolve().parents[1]
NEO4JCTL = REPO / "tools" / "neo4j" / "neo4jctl"
ENGINES = ("ladybug", "neo4j")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _missing_neo4j(reason: str) -> None:
    if os.environ.get("REQUIRE_NEO4J") == "1":
        pytest.fail(f"REQUIRE_NEO4J=1 but Neo4j is unavailable: {reason}", pytrace=False)
    pytest.skip(f"Neo4j tests skipped: {reason}")


@pytest.fixture(scope="session")
def neo4j_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    external = os.environ.get("NEO4J_TEST_URI")
    if external:
        # the tests delete everything in the database they use: never someone's real graph by accident
        if os.environ.get("SAFETYKG_TEST_MAY_CLEAR") != "1":
            pytest.fail("NEO4J_TEST_URI is set: the tests would wipe that database; confirm with SAFETYKG_TEST_MAY_CLEAR=1",
                        pytrace=False)
        yield external
        return
    yield from _private_neo4j(tmp_path_factory)


def _private_neo4j(tmp_path_factory: pytest.TempPathFactory, password: str | None = None) -> Iterator[str]:
    """Start a private Neo4j 5.26 from the shared jars, yield its bolt URI, stop it; auth on when a password is given."""
    missing = [tool for tool in ("java", "mvn") if shutil.which(tool) is None]
    if missing:
        _missing_neo4j(f"{' and '.join(missing)} not found (needed to run Neo4j from Maven jars)")
    port = _free_port()
    # The jars are fetched once into the shared, git-ignored .neo4j/; each test session runs its
    # own server home (conf, data, pid) so parallel sessions never stop each other's server.
    shared = Path(os.environ.get("SAFETYKG_NEO4J_HOME", REPO / ".neo4j"))
    fetched = subprocess.run(
        [str(NEO4JCTL), "fetch"], env={**os.environ, "SAFETYKG_NEO4J_HOME": str(shared)},
        capture_output=True, text=True, timeout=900,
    )
    if fetched.returncode != 0:
        _missing_neo4j(f"neo4jctl fetch failed:\n{fetched.stdout}\n{fetched.stderr}")
    home = tmp_path_factory.mktemp("neo4j-home")
    (home / "lib").symlink_to(shared / "lib", target_is_directory=True)
    # PYTHON: neo4jctl's readiness probe and password set-up use the neo4j driver of this interpreter
    env = {**os.environ, "NEO4J_PORT": str(port), "SAFETYKG_NEO4J_HOME": str(home), "PYTHON": sys.executable}
    args = [str(NEO4JCTL), "start", "--port", str(port)]
    if password is not None:
        env.update(NEO4J_PASSWORD=password, SAFETYKG_NEO4J_HEAP="256m")
        args.append("--auth")
    started = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    if started.returncode != 0:
        _missing_neo4j(f"neo4jctl start failed:\n{started.stdout}\n{started.stderr}")
    uri = f"bolt://127.0.0.1:{port}"
    try:
        yield uri
    finally:
        subprocess.run([str(NEO4JCTL), "stop"], env=env, capture_output=True, text=True, timeout=120)


NEO4J_AUTH_PASSWORD = "right-horse-battery"


@pytest.fixture(scope="session")
def neo4j_auth_uri(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A second private server with authentication on (password NEO4J_AUTH_PASSWORD), for the credential tests."""
    yield from _private_neo4j(tmp_path_factory, NEO4J_AUTH_PASSWORD)


SERVERS_UNDER_TEST: list[str] = []


@pytest.fixture(scope="session")
def neo4j_version(neo4j_uri: str, tmp_path_factory: pytest.TempPathFactory) -> str:
    with open_store(StoreConfig(uri=neo4j_uri)) as store:
        version = store.server_version()
    SERVERS_UNDER_TEST.append(f"{version} at {neo4j_uri}")
    with _servers_file(tmp_path_factory.getbasetemp()).open("a", encoding="utf-8") as noted:
        noted.write(f"{version} at {neo4j_uri}\n")
    return version


def _servers_file(basetemp: Path) -> Path:
    """Where a session notes its Neo4j server: under pytest-xdist each worker's basetemp sits inside the
    controller's, so the workers write one level up and the controller reads its own basetemp."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return (basetemp.parent if worker else basetemp) / f"neo4j-under-test-{worker or 'main'}.txt"


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    """Name the Neo4j servers the engine-parity tests ran against (every xdist worker's), so the CI log shows them."""
    servers = list(SERVERS_UNDER_TEST)
    factory = getattr(config, "_tmp_path_factory", None)
    if factory is not None and not os.environ.get("PYTEST_XDIST_WORKER"):
        for noted in sorted(factory.getbasetemp().glob("neo4j-under-test-gw*.txt")):
            servers += noted.read_text(encoding="utf-8").splitlines()
    for server in dict.fromkeys(servers):
        terminalreporter.write_line(f"[safetykg] Neo4j under test: {server}")


def make_store(engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Store:
    if engine == "neo4j":
        uri = request.getfixturevalue("neo4j_uri")
        request.getfixturevalue("neo4j_version")
        store = open_store(StoreConfig(uri=uri))
        store.clear()
        return store
    return open_store(StoreConfig(data_dir=tmp_path / "graph"))


@pytest.fixture(params=ENGINES)
def store(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Store]:
    """A fresh, empty store on each engine."""
    engine_store = make_store(request.param, tmp_path, request)
    try:
        yield engine_store
    finally:
        engine_store.close()


@pytest.fixture
def ladybug_store(tmp_path: Path) -> Iterator[Store]:
    with open_store(StoreConfig(data_dir=tmp_path / "graph")) as engine_store:
        yield engine_store


# ---------------------------------------------------------------------------- markers by what a test needs
# unit: no engine, no Java, no browser (`pytest -m unit` runs in well under a minute);
# engine: opens a graph (embedded and/or Neo4j); neo4j: needs the Neo4j server; browser: real Chromium.
# Applied here, so a new test is marked without effort: browser by folder, neo4j and engine by the
# fixtures it asks for or by what its code (and the fixtures and module helpers it uses) calls.
# A test marked unit that opens a store anyway fails, naming the fix.
ENGINE_FIXTURES = {"store", "ladybug_store", "both_engines"}
NEO4J_FIXTURES = {"neo4j_uri", "neo4j_version", "neo4j_auth_uri", "both_engines"}
ENGINE_CALLS = re.compile(
    r"\b(open_store|make_store|load_paths|bulk_load|LadybugStore|Neo4jStore|GraphDatabase|StoreHolder|AppTest)\b"
    r"|[\"']load[\"']|\"-m\", \"safetykg\""
)


def _code_of(obj: object) -> str:
    try:
        return textwrap.dedent(inspect.getsource(obj))  # type: ignore[arg-type]
    except (OSError, TypeError):
        return ""


def _reaches_an_engine(item: pytest.Function) -> bool:
    """Whether the test's code, its fixtures' code or the module helpers they call open a graph."""
    module = item.module
    seen: set[str] = set()
    todo: list[object] = [item.function]
    todo += [d.func for defs in item._fixtureinfo.name2fixturedefs.values() for d in defs
             if getattr(d.func, "__module__", "").startswith("tests")]
    while todo:
        code = _code_of(todo.pop())
        if ENGINE_CALLS.search(code):
            return True
        for name in set(re.findall(r"\b([A-Za-z_]\w*)\s*\(", code)) - seen:
            seen.add(name)
            helper = getattr(module, name, None)
            if inspect.isfunction(helper) and getattr(helper, "__module__", "").startswith("tests"):
                todo.append(helper)
    return False


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if not isinstance(item, pytest.Function):
            continue
        names = set(item.fixturenames)
        params = getattr(getattr(item, "callspec", None), "params", {})
        if "browser" in item.path.parts or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.browser)
            continue
        on_neo4j = "neo4j" in (params.get("store"), params.get("engine"))  # the engine-parametrised fixture or test
        uses_neo4j = bool(names & NEO4J_FIXTURES) or on_neo4j or bool(item.get_closest_marker("neo4j"))
        if uses_neo4j:
            item.add_marker(pytest.mark.neo4j)
        if uses_neo4j or names & ENGINE_FIXTURES or item.get_closest_marker("engine") or _reaches_an_engine(item):
            item.add_marker(pytest.mark.engine)
        else:
            item.add_marker(pytest.mark.unit)


@pytest.fixture(autouse=True)
def _unit_tests_open_no_store(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> None:
    """A guard, not a stand-in: a test collected as unit that opens a store fails and says how to mark it."""
    if request.node.get_closest_marker("unit") is None:
        return

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError(
            f"{request.node.nodeid} is marked unit but opens a store: mark it @pytest.mark.engine "
            "(or use the store fixture) so `pytest -m unit` stays engine-free"
        )

    monkeypatch.setattr(Store, "__init__", refuse)
