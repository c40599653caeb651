"""Failures of the store layer in words every caller understands, whichever engine is behind it.

The engines raise their own exceptions (Neo4j's driver errors, LadybugDB's RuntimeError); the store
layer translates the ones a user can act on into these, so the command line and the dashboard
explain them without importing an engine. Messages are Chinese first, English after, and never
contain a password.
"""

from __future__ import annotations


class StoreError(Exception):
    """Something between the program and the graph went wrong; the message says what to do."""


class StoreConfigError(StoreError, ValueError):
    """The store address is unusable as given (unknown URI scheme, password in the URI, a file for a directory)."""


class UnsupportedURI(StoreConfigError):
    """A URI whose scheme names no engine, e.g. `http://`."""


class StoreUnavailable(StoreError, ConnectionError):
    """The server cannot be reached, does not answer in time, or went away."""


class AuthenticationFailed(StoreError, PermissionError):
    """The server refused the credentials, or needs a password and none was given."""


class StoreLocked(StoreError):
    """Another process holds the embedded store for writing (the message names its PID)."""


class NoGraphYet(StoreError, FileNotFoundError):
    """A read-only open of an embedded graph that was never built: run `safetykg load data/` first."""


class PartialBulkLoad(StoreError):
    """A bulk copy into this embedded graph was interrupted: what it holds is a fragment, not a graph to read."""
