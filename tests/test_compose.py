"""docker-compose.yml against the Compose specification's structure (no Docker engine here; `docker
compose config` runs too where a client with the compose plugin exists), plus the promises it makes:
Neo4j 5.26 Community bound to 127.0.0.1 with a healthcheck, the password only from .env, named
volumes, memory settings, and the dashboard built from the repo after Neo4j is healthy."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((REPO / "docker-compose.yml").read_text(encoding="utf-8"))
# Top-level and service keys of the Compose specification (compose-spec.json, properties).
TOP_LEVEL = {"version", "name", "include", "services", "networks", "volumes", "secrets", "configs", "models"}
SERVICE_KEYS = {
    "annotations", "attach", "build", "blkio_config", "cap_add", "cap_drop", "cgroup", "cgroup_parent", "command",
    "configs", "container_name", "cpu_count", "cpu_percent", "cpu_shares", "cpu_quota", "cpu_period", "cpu_rt_period",
    "cpu_rt_runtime", "cpus", "cpuset", "credential_spec", "depends_on", "deploy", "develop", "device_cgroup_rules",
    "devices", "dns", "dns_opt", "dns_search", "domainname", "entrypoint", "env_file", "environment", "expose",
    "extends", "external_links", "extra_hosts", "gpus", "group_add", "healthcheck", "hostname", "image", "init", "ipc",
    "isolation", "labels", "links", "logging", "mac_address", "mem_limit", "mem_reservation", "mem_swappiness",
    "memswap_limit", "network_mode", "networks", "oom_kill_disable", "oom_score_adj", "pid", "pids_limit", "platform",
    "ports", "post_start", "pre_stop", "privileged", "profiles", "pull_policy", "read_only", "restart", "runtime",
    "scale", "secrets", "security_opt", "shm_size", "stdin_open", "stop_grace_period", "stop_signal", "storage_opt",
    "sysctls", "tmpfs", "tty", "ulimits", "user", "userns_mode", "uts", "volumes", "volumes_from", "working_dir",
}
HEALTHCHECK_KEYS = {"disable", "interval", "retries", "test", "timeout", "start_period", "start_interval"}
DURATION = re.compile(r"^(\d+(\.\d+)?(us|ms|s|m|h))+$")


def test_structure_follows_the_compose_specification():
    assert set(COMPOSE) <= TOP_LEVEL
    for name, service in COMPOSE["services"].items():
        assert re.fullmatch(r"[a-zA-Z0-9._-]+", name)
        assert set(service) <= SERVICE_KEYS, set(service) - SERVICE_KEYS
        assert "image" in service or "build" in service
        health = service.get("healthcheck", {})
        assert set(health) <= HEALTHCHECK_KEYS
        for key in ("interval", "timeout", "start_period"):
            if key in health:
                assert DURATION.match(str(health[key]))
        assert isinstance(service.get("environment", {}), dict)
        for port in service.get("ports", []):
            assert isinstance(port, str) and re.fullmatch(r"[\d.]+:\d+:\d+", port)
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in (COMPOSE.get("volumes") or {}), f"{source} is not a declared named volume"


def test_neo4j_is_local_only_with_secret_from_env_and_a_healthcheck():
    neo4j = COMPOSE["services"]["neo4j"]
    assert neo4j["image"] == "neo4j:5.26-community"
    assert all(port.startswith("127.0.0.1:") for port in neo4j["ports"])
    assert {p.split(":")[-1] for p in neo4j["ports"]} == {"7474", "7687"}
    auth = neo4j["environment"]["NEO4J_AUTH"]
    assert auth.startswith("neo4j/${NEO4J_PASSWORD:?")  # required, no default password in the file
    assert all(key in neo4j["environment"] for key in (
        "NEO4J_server_memory_heap_initial__size", "NEO4J_server_memory_heap_max__size", "NEO4J_server_memory_pagecache_size"))
    assert neo4j["healthcheck"]["test"] and neo4j["volumes"]
    dashboard = COMPOSE["services"]["dashboard"]
    assert dashboard["build"] == "." and dashboard["depends_on"]["neo4j"]["condition"] == "service_healthy"
    assert all(port.startswith("127.0.0.1:") for port in dashboard["ports"])
    assert dashboard["environment"]["NEO4J_PASSWORD"].startswith("${NEO4J_PASSWORD:?")


def test_env_example_is_committed_and_env_ignored():
    example = (REPO / ".env.example").read_text(encoding="utf-8")
    assert re.search(r"^NEO4J_PASSWORD=$", example, re.MULTILINE)  # no real password shipped
    assert ".env" in (REPO / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in (REPO / ".dockerignore").read_text(encoding="utf-8").split()


def test_dockerfile_copies_what_exists_and_loads_the_shipped_data():
    dockerfile = (REPO / "Dockerfile").read_text(encoding="utf-8")
    for line in dockerfile.splitlines():
        if line.startswith("COPY "):
            for source in line.split()[1:-1]:
                assert (REPO / source).exists(), line
    assert "safetykg load data/" in dockerfile and "--host 0.0.0.0" in dockerfile


def test_docker_compose_config_where_a_client_exists(tmp_path: Path):
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("no docker client with the compose plugin here; the structural checks above ran")
    env = tmp_path / ".env"
    env.write_text("NEO4J_PASSWORD=test-password\n", encoding="utf-8")
    done = subprocess.run([docker, "compose", "--env-file", str(env), "-f", str(REPO / "docker-compose.yml"), "config",
                           "--quiet"], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
