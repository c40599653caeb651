"""Which engine serves which store address: the one registry of engines.

A store address is a URI or a directory. Its scheme picks the engine: `bolt://`, `neo4j://` and their
`+s` / `+ssc` (TLS) forms go to a Neo4j server; a plain path, `file:` or nothing at all is the
embedded LadybugDB graph in that directory. Anything else (`http://`, a typo) is refused here with
a message naming the accepted schemes, before any driver is imported. Every other module asks this
registry (`ENGINE_NAMES`, `engine_for`) instead of listing engine names itself.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit, urlunsplit

from .errors import StoreConfigError, UnsupportedURI

if TYPE_CHECKING:
    from .schema import Schema
    from .store import Store, StoreConfig


def _open_ladybug(config: StoreConfig, schema: Schema | None) -> Store:
    from .ladybug_store import LadybugStore  # imported only when this engine is used

    return LadybugStore(config, schema)


def _open_neo4j(config: StoreConfig, schema: Schema | None) -> Store:
    from .neo4j_store import Neo4jStore  # imported only when this engine is used

    return Neo4jStore(config, schema)


@dataclass(frozen=True)
class Engine:
    """One engine: its name, the URI schemes it serves, and how to open it."""

    name: str
    title: str
    schemes: tuple[str, ...]
    embedded: bool
    opener: Callable[[StoreConfig, Schema | None], Store]


LADYBUG = Engine("ladybug", "LadybugDB (embedded)", ("file",), True, _open_ladybug)
NEO4J = Engine(
    "neo4j", "Neo4j 5", ("bolt", "bolt+s", "bolt+ssc", "neo4j", "neo4j+s", "neo4j+ssc"), False, _open_neo4j
)
ENGINES: tuple[Engine, ...] = (LADYBUG, NEO4J)
ENGINE_NAMES: tuple[str, ...] = tuple(engine.name for engine in ENGINES)
EMBEDDED_FILE = "safetykg.lbug"  # the LadybugDB database file inside the graph directory

_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]*):")


def uri_scheme(uri: str) -> str | None:
    """The scheme of `uri`, or None for a plain path (a one-letter 'scheme' is a Windows drive)."""
    match = _SCHEME.match(uri)
    if not match or len(match.group(1)) == 1:
        return None
    return match.group(1).lower()


def engine_for(uri: str | None) -> Engine:
    """The engine serving this address; a path, `file:` or no URI is the embedded one."""
    if not uri:
        return LADYBUG
    scheme = uri_scheme(uri)
    if scheme is None:
        return LADYBUG
    for engine in ENGINES:
        if scheme in engine.schemes:
            return engine
    accepted = ", ".join(f"{s}://" for s in NEO4J.schemes)
    raise UnsupportedURI(
        f"不支持的地址 / unsupported store address {redact_uri(uri)!r}: scheme {scheme}:// names no engine; "
        f"use {accepted} for Neo4j, or a directory path (or file:) for the embedded graph"
    )


def embedded_dir(uri: str) -> Path:
    """The directory an embedded address names: `file:///abs`, `file:rel` or a plain path."""
    if uri_scheme(uri) == "file":
        parts = urlsplit(uri)
        return Path(unquote(parts.netloc + parts.path) if parts.netloc not in ("", "localhost") else unquote(parts.path))
    return Path(uri)


@dataclass(frozen=True)
class ServerAddress:
    """A server URI split into what the driver gets (no credentials) and the user name it carried."""

    uri: str
    user: str | None


def server_address(uri: str) -> ServerAddress:
    """Strip a user name from a server URI; refuse a password in it (it would show in `ps` and shell history)."""
    parts = urlsplit(uri)
    if parts.password is not None:
        raise StoreConfigError(
            f"地址中不能含密码 / the URI must not contain a password ({redact_uri(uri)}): "
            "set NEO4J_USERNAME and NEO4J_PASSWORD in the environment instead"
        )
    if parts.username is None:
        return ServerAddress(uri, None)
    host = parts.netloc.rsplit("@", 1)[1]
    return ServerAddress(urlunsplit((parts.scheme, host, parts.path, parts.query, parts.fragment)), unquote(parts.username))


def redact_uri(uri: str) -> str:
    """The URI with any `user:password@` reduced to `user:***@`, safe to print."""
    try:
        parts = urlsplit(uri)
    except ValueError:
        return "<unparseable URI>"
    if "@" not in parts.netloc:
        return uri
    userinfo, host = parts.netloc.rsplit("@", 1)
    user = userinfo.split(":", 1)[0]
    shown = f"{user}:***@{host}" if ":" in userinfo else f"{user}@{host}"
    return urlunsplit((parts.scheme, shown, parts.path, parts.query, parts.fragment))
