"""Neo4j faults a user meets, answered by the store layer's neutral errors and the CLI's exit codes.

An unreachable port and a server that accepts the connection but never answers (a socket on
127.0.0.1 that reads nothing) must fail within the driver's connect timeout, not its default 60 s;
a missing or wrong password against a real Neo4j with authentication on gives a clear message; the
command line exits 1 without a traceback, and no password ever appears in what it prints.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator

import pytest

from safetykg.graph.errors import AuthenticationFailed, StoreUnavailable
from safetykg.graph.neo4j_store import CONNECT_TIMEOUT_S
from safetykg.graph.store import StoreConfig, open_store

from .conftest import NEO4J_AUTH_PASSWORD

SECRET = "never-print-me-42"


def safetykg(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run(
        [sys.executable, "-m", "safetykg", *args], env={**clean, **env}, capture_output=True, text=True,
        timeout=120, stdin=subprocess.DEVNULL,
    )


@pytest.fixture
def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
def silent_server() -> Iterator[int]:
    """Accepts TCP connections and never sends a byte: the Bolt handshake waits for nothing."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield int(server.getsockname()[1])
    finally:
        stop.set()
        thread.join(timeout=5)
        for conn in held:
            conn.close()
        server.close()


def test_unreachable_server_is_store_unavailable(closed_port: int):
    with pytest.raises(StoreUnavailable, match=f"127.0.0.1:{closed_port}"):
        open_store(StoreConfig(uri=f"bolt://127.0.0.1:{closed_port}", password=SECRET))


def test_silent_server_fails_within_the_connect_timeout(silent_server: int):
    began = time.monotonic()
    with pytest.raises(StoreUnavailable) as caught:
        open_store(StoreConfig(uri=f"bolt://127.0.0.1:{silent_server}", password=SECRET))
    waited = time.monotonic() - began
    # the driver's default would wait 60 s; the store layer sets CONNECT_TIMEOUT_S (generous slack for a busy machine)
    assert waited < CONNECT_TIMEOUT_S + 3, waited
    assert SECRET not in str(caught.value)


def test_cli_unreachable_exits_1_without_traceback_or_password(closed_port: int):
    done = safetykg("--uri", f"bolt://127.0.0.1:{closed_port}", "stats", NEO4J_PASSWORD=SECRET)
    assert done.returncode == 1, done.stderr
    assert "cannot reach" in done.stderr and "无法连接" in done.stderr
    assert "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr


def test_cli_password_in_uri_is_refused_and_never_echoed():
    for where in ({"args": ("--uri", f"bolt://neo4j:{SECRET}@127.0.0.1:9")}, {"env": f"bolt://neo4j:{SECRET}@127.0.0.1:9"}):
        args = where.get("args", ())
        env = {"NEO4J_URI": where["env"]} if "env" in where else {}
        done = safetykg(*args, "stats", **env)
        assert done.returncode == 2, done.stderr
        assert "NEO4J_PASSWORD" in done.stderr and "Traceback" not in done.stderr
        assert SECRET not in done.stdout + done.stderr


def test_cli_http_uri_is_a_usage_error():
    done = safetykg("--uri", "http://127.0.0.1:7474", "stats")
    assert done.returncode == 2
    assert "bolt://" in done.stderr and "aiohttp" not in done.stderr and "Traceback" not in done.stderr


@pytest.mark.neo4j
def test_missing_and_wrong_password_on_a_server_with_auth(neo4j_auth_uri: str):
    with pytest.raises(AuthenticationFailed, match="requires a password") as missing:
        open_store(StoreConfig(uri=neo4j_auth_uri, read_only=True))
    assert "scheme" not in str(missing.value)
    with pytest.raises(AuthenticationFailed, match="refused the user name or password") as wrong:
        open_store(StoreConfig(uri=neo4j_auth_uri, password=SECRET, read_only=True))
    assert SECRET not in str(wrong.value)
    with open_store(StoreConfig(uri=neo4j_auth_uri, password=NEO4J_AUTH_PASSWORD, read_only=True)) as store:
        assert store.run("RETURN 1 AS one") == [{"one": 1}]
    done = safetykg("--uri", neo4j_auth_uri, "stats", NEO4J_PASSWORD=SECRET)
    assert done.returncode == 1 and "Traceback" not in done.stderr and SECRET not in done.stdout + done.stderr
    done = safetykg("--uri", neo4j_auth_uri, "stats", "-f", "json", NEO4J_PASSWORD=NEO4J_AUTH_PASSWORD)
    assert done.returncode == 0, done.stderr
    assert NEO4J_AUTH_PASSWORD not in done.stdout + done.stderr
