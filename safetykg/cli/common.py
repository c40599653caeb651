"""What every command group shares: exit codes, global settings, opening the store, `k=v` parameters.

Exit codes (defined here only): 0 success; 1 engine or runtime failure (unreachable server, refused
credentials, store in use); 2 bad input (validation, usage, unsupported store address, a missing
optional extra); 3 no graph yet (run `safetykg load data/` first).
"""

from __future__ import annotations

import getpass
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.markup import escape

from ..extras import MissingExtra, need_feature
from ..graph.errors import AuthenticationFailed, NoGraphYet, StoreConfigError, StoreError
from ..graph.store import Store, StoreConfig, open_store
from ..output import FORMATS

EXIT_OK, EXIT_RUNTIME, EXIT_INPUT, EXIT_NO_GRAPH = 0, 1, 2, 3

err = Console(stderr=True)


@dataclass
class Settings:
    """The global options, kept on the root context for every subcommand."""

    uri: str | None
    data_dir: Path | None
    fmt: str
    batch_size: int

    def config(self, read_only: bool = False) -> StoreConfig:
        """The store configuration; raises StoreConfigError for an unusable address."""
        return StoreConfig.from_env(
            uri=self.uri, data_dir=self.data_dir, read_only=read_only, batch_size=self.batch_size
        )


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


FormatOption = typer.Option(None, "--format", "-f", help="output: table | json | csv | md (overrides the global option)")


def fail(message: str, code: int = EXIT_INPUT) -> typer.Exit:
    """Print a red message on stderr and give the Exit to raise."""
    err.print(f"[red]{escape(message)}[/red]", highlight=False, soft_wrap=True)  # `[dashboard]` is text, not markup
    return typer.Exit(code)


def output_format(ctx: typer.Context, fmt: str | None) -> str:
    chosen = fmt or settings(ctx).fmt
    if chosen not in FORMATS:
        raise fail(f"--format must be one of {', '.join(FORMATS)}")
    return chosen


def store_config(ctx: typer.Context, read_only: bool = False) -> StoreConfig:
    """The configured store address, or exit 2 saying why it is unusable."""
    try:
        return settings(ctx).config(read_only=read_only)
    except StoreConfigError as exc:
        raise fail(str(exc)) from None


def exit_code_for(exc: StoreError) -> int:
    if isinstance(exc, NoGraphYet):
        return EXIT_NO_GRAPH
    if isinstance(exc, StoreConfigError):
        return EXIT_INPUT
    return EXIT_RUNTIME


def open_or_exit(ctx: typer.Context, read_only: bool = False) -> Store:
    """Open the configured store or exit with a clear message (never a traceback, never the password).

    A server that wants a password none was given for asks for one when a person is at the terminal.
    """
    config = store_config(ctx, read_only)
    try:
        return open_store(config)
    except AuthenticationFailed as exc:
        if config.password or not sys.stdin.isatty():
            raise fail(f"{exc}", EXIT_RUNTIME) from None
        config = replace(config, password=getpass.getpass(f"Neo4j 密码 / password for {config.user or 'neo4j'}: "))
        try:
            return open_store(config)
        except StoreError as again:
            raise fail(str(again), exit_code_for(again)) from None
    except StoreError as exc:  # its message names the store and what to do
        raise fail(str(exc), exit_code_for(exc)) from None
    except Exception as exc:  # anything else an engine raises while opening
        raise fail(f"无法打开图数据库 / cannot open the graph ({config.describe()}): {exc}", EXIT_RUNTIME) from None


def require_feature(feature: str) -> None:
    """Exit 2 with the install line when a feature's optional dependencies are missing."""
    try:
        need_feature(feature)
    except MissingExtra as exc:
        raise fail(str(exc)) from None


def parse_params(pairs: list[str], *, json_values: bool = False) -> dict[str, Any]:
    """`k=v` pairs from repeated `--param` options; a malformed pair exits 2.

    Values stay strings unless `json_values`: audits coerce them to their declared types (so an
    adcode `007` stays text), while `safetykg query`, which has no declared types, reads values that
    parse as JSON (numbers, lists, true) as that type.
    """
    params: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise fail(f"--param expects k=v, got {pair!r}")
        params[key] = _json_or_text(value) if json_values else value
    return params


def _json_or_text(value: str) -> Any:
    try:
        return json.loads(value)
    except json.JSONDecodeError:
        return value
