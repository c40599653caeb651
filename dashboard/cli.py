"""`safetykg dashboard` and `safetykg export` — filled in by the dashboard work."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the dashboard and export commands to the main CLI."""
