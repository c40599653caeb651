"""`safetykg audit …` — filled in by the audits work."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the audit subcommands to the main CLI."""
