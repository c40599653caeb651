"""The package's shape, checked from its source: who may import whom, and where the engines live.

An AST scan of every module under safetykg/ (lazy imports inside functions included) so the rules
hold for code added later too: nothing imports the command line; no import cycles at module level;
the engines' own packages (`ladybug`, `neo4j`) and engine modules stay inside the store layer.
Also the shared `k=v` parser and the store address rules the CLI relies on.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import typer

from safetykg.cli.common import parse_params
from safetykg.graph.engines import ENGINE_NAMES, embedded_dir, engine_for, redact_uri, server_address
from safetykg.graph.errors import StoreConfigError, UnsupportedURI
from safetykg.graph.store import StoreConfig

PACKAGE = Path(__file__).resolve().parents[1] / "safetykg"
ENGINE_PACKAGES = {"ladybug", "neo4j"}
ENGINE_MODULES = {"safetykg.graph.ladybug_store", "safetykg.graph.neo4j_store"}
# loaders/bulk.py still tests isinstance(store, LadybugStore); bulk copy becomes a store capability (h5).
ENGINE_MODULE_USERS_PENDING = {"safetykg.loaders.bulk"}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[str, bool]]:
    """(imported module, imported at module level) for every import in the file."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    found: list[tuple[str, bool]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, id(node) in top_level) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            found.append((target, id(node) in top_level))
            # `from . import x` imports the submodule x
            found += [(f"{target}.{alias.name}", id(node) in top_level) for alias in node.names]
    return found


MODULES = {_module_name(path): _imports(path) for path in sorted(PACKAGE.rglob("*.py"))}


def test_the_scan_sees_the_package():
    assert {"safetykg.cli.main", "safetykg.graph.store", "safetykg.queries.runner", "safetykg.dashboard.app"} <= set(MODULES)


def test_nothing_imports_the_command_line():
    offenders = sorted(
        (module, target) for module, imports in MODULES.items() if not module.startswith(("safetykg.cli", "safetykg.__main__"))
        for target, _ in imports if target == "safetykg.cli" or target.startswith("safetykg.cli.")
    )
    assert offenders == []


def test_no_import_cycles_at_module_level():
    graph = {
        module: {target for target, top in imports if top and target in MODULES and target != module}
        for module, imports in MODULES.items()
    }
    state: dict[str, int] = {}
    cycles: list[list[str]] = []

    def visit(module: str, path: list[str]) -> None:
        state[module] = 1
        for target in sorted(graph[module]):
            if state.get(target) == 1:
                cycles.append([*path[path.index(target):], target] if target in path else [module, target])
            elif target not in state:
                visit(target, [*path, target])
        state[module] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module, [module])
    # a package's __init__ importing its own submodules is not a cycle worth reporting
    cycles = [c for c in cycles if not any(a.startswith(b + ".") for a, b in zip(c, c[1:], strict=False))]
    assert cycles == []


def test_lower_layers_never_import_higher_ones():
    allowed_from = {
        "safetykg.graph": ("safetykg.graph", "safetykg.output", "safetykg.extras"),
        "safetykg.loaders": ("safetykg.graph", "safetykg.loaders", "safetykg.output", "safetykg.extras"),
        "safetykg.queries": ("safetykg.graph", "safetykg.queries", "safetykg.output", "safetykg.extras"),
    }
    offenders = []
    for module, imports in MODULES.items():
        for layer, allowed in allowed_from.items():
            if module.startswith(layer + "."):
                offenders += [(module, t) for t, _ in imports if t.startswith("safetykg.") and not t.startswith(allowed)]
    assert offenders == []


def test_engines_stay_inside_the_store_layer():
    package_users = sorted(
        (module, target) for module, imports in MODULES.items() if not module.startswith("safetykg.graph.")
        for target, _ in imports if target.split(".")[0] in ENGINE_PACKAGES
    )
    assert package_users == []
    module_users = sorted(
        (module, target) for module, imports in MODULES.items() if not module.startswith("safetykg.graph.")
        for target, _ in imports if target in ENGINE_MODULES and module not in ENGINE_MODULE_USERS_PENDING
    )
    assert module_users == []


# ---------------------------------------------------------------------------- k=v parameters
def test_one_parser_keeps_strings_for_audits_and_types_json_for_query():
    assert parse_params(["window_days=30", "code=007", "terms=a,b", " as_of =2020-01-01", "e=x=y"]) == {
        "window_days": "30", "code": "007", "terms": "a,b", "as_of": "2020-01-01", "e": "x=y",
    }
    assert parse_params(["n=1", "f=1.5", "l=[1,2]", "t=true", "s=text", "z=007"], json_values=True) == {
        "n": 1, "f": 1.5, "l": [1, 2], "t": True, "s": "text", "z": "007",
    }
    for bad in ("novalue", "=3"):
        with pytest.raises(typer.Exit) as caught:
            parse_params([bad])
        assert caught.value.exit_code == 2


# ---------------------------------------------------------------------------- store addresses
@pytest.mark.parametrize(
    ("uri", "engine"),
    [
        (None, "ladybug"), ("", "ladybug"), ("graphs/here", "ladybug"), ("/abs/graph", "ladybug"),
        ("file:///abs/graph", "ladybug"), ("file:rel/graph", "ladybug"), ("C:\\graphs\\x", "ladybug"),
        ("bolt://127.0.0.1:7687", "neo4j"), ("bolt+s://db.example:7687", "neo4j"), ("bolt+ssc://h", "neo4j"),
        ("neo4j://h:7687", "neo4j"), ("neo4j+s://x.databases.neo4j.io", "neo4j"), ("NEO4J+SSC://h", "neo4j"),
    ],
)
def test_the_scheme_picks_the_engine(uri: str | None, engine: str):
    assert engine_for(uri).name == engine
    assert engine in ENGINE_NAMES


@pytest.mark.parametrize("uri", ["http://127.0.0.1:7474", "https://x", "redis://h", "bolt2://h"])
def test_other_schemes_are_refused_naming_the_accepted_ones(uri: str):
    with pytest.raises(UnsupportedURI, match=r"bolt://.*neo4j\+s://"):
        engine_for(uri)
    with pytest.raises(StoreConfigError):
        StoreConfig(uri=uri)


def test_embedded_addresses_become_the_data_dir():
    assert embedded_dir("file:///srv/graph") == Path("/srv/graph")
    assert embedded_dir("file:rel/g") == Path("rel/g")
    config = StoreConfig(uri="file:///srv/graph")
    assert (config.uri, config.data_dir, config.engine) == (None, Path("/srv/graph"), "ladybug")
    assert config.store_path() == Path("/srv/graph/safetykg.lbug")
    assert config.store_files() == [Path("/srv/graph/safetykg.lbug"), Path("/srv/graph/safetykg.lbug.wal")]
    server = StoreConfig(uri="bolt://127.0.0.1:7687")
    assert (server.engine, server.store_path(), server.store_files()) == ("neo4j", None, [])


def test_a_password_never_travels_in_the_uri_and_never_prints():
    secret = "s3cret-pw"
    with pytest.raises(StoreConfigError) as caught:
        StoreConfig(uri=f"bolt://neo4j:{secret}@db.example:7687")
    assert secret not in str(caught.value) and "NEO4J_PASSWORD" in str(caught.value)
    assert redact_uri(f"neo4j+s://alice:{secret}@h:1/x") == "neo4j+s://alice:***@h:1/x"
    assert server_address("bolt://alice@h:7687").uri == "bolt://h:7687"
    named = StoreConfig(uri="bolt://alice@h:7687", password=secret)
    assert (named.user, named.uri) == ("alice", "bolt://h:7687")
    assert secret not in repr(named) and secret not in named.describe()
