"""`safetykg analyze` — filled in by the analytics work."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the analyze command to the main CLI."""
