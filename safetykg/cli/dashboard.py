"""`safetykg dashboard` and `safetykg export`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import typer

from ..graph.nxgraph import to_networkx
from .common import EXIT_INPUT, EXIT_RUNTIME, err, open_or_exit, parse_params, require_feature, settings

APP = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"


# `python -m` would put the working directory first on sys.path, so run from a checkout the server
# would import the checkout's safetykg instead of the installed one; this starts it without that entry.
_SERVE = "import sys; sys.path[:] = [p for p in sys.path if p]; from safetykg.dashboard.serve import main; sys.exit(main(sys.argv[1:]))"


def streamlit_command(port: int, host: str) -> list[str]:
    """Headless, no telemetry, no file watcher, no developer menu."""
    return [
        sys.executable, "-c", _SERVE, "run", str(APP),
        "--server.port", str(port),
        "--server.address", host,
        "--server.headless", "true",
        "--server.fileWatcherType", "none",
        "--server.runOnSave", "false",
        "--browser.gatherUsageStats", "false",
        "--client.toolbarMode", "viewer",
        "--global.developmentMode", "false",
        "--theme.base", "light",
    ]


LOOPBACK = ("127.0.0.1", "localhost", "::1")


def exposure_warning(host: str) -> str | None:
    """What to say when the dashboard listens beyond this machine: it has no login of its own."""
    if host in LOOPBACK or host.startswith("127."):
        return None
    return (
        f"警告 / WARNING: the dashboard listens on {host}: anyone who can reach this port sees the graph "
        "(named officials, criminal cases). It has no login of its own: put a reverse proxy with authentication "
        "or Streamlit's OIDC login in front of it (docs/reliability.md). The store stays read-only either way."
    )


def register(app: typer.Typer) -> None:
    """Attach the dashboard and export commands to the main CLI."""

    @app.command()
    def dashboard(
        ctx: typer.Context,
        port: int = typer.Option(8501, "--port", help="TCP port"),
        host: str = typer.Option("127.0.0.1", "--host", help="address to listen on (default: this machine only)"),
    ) -> None:
        """仪表盘 / Serve the Streamlit dashboard (read-only) on http://HOST:PORT."""
        require_feature("dashboard")
        # Fail here, with the CLI's exit codes, if the graph is missing or unreachable.
        open_or_exit(ctx, read_only=True).close()
        chosen = settings(ctx)
        env = dict(os.environ)
        if chosen.uri:
            env["NEO4J_URI"] = chosen.uri
        if chosen.data_dir is not None:
            env["SAFETYKG_DATA_DIR"] = str(Path(chosen.data_dir).resolve())
        env["STREAMLIT_BROWSER_GATHER_USAGE_STATS"] = "false"
        command = streamlit_command(port, host)
        warning = exposure_warning(host)
        if warning:
            typer.secho(warning, err=True, fg=typer.colors.YELLOW)
        typer.echo(f"safetykg dashboard: http://{host}:{port}  ({chosen.config(read_only=True).describe()})", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        if os.name == "posix":
            os.execve(sys.executable, command, env)  # the server becomes this process: signals reach it
        raise typer.Exit(subprocess.call(command, env=env))

    @app.command("export")
    def export_command(
        ctx: typer.Context,
        fmt: str = typer.Option(..., "--format", help="html | graphml | gexf | json | csv | cypher"),
        output: str = typer.Option(..., "--output", "-o", help="file (csv: a directory, or a .zip) or - for stdout"),
        audit: str = typer.Option(None, "--audit", help="export this audit's subgraph"),
        param: list[str] = typer.Option([], "--param", "-p", help="audit parameter k=v (repeatable)"),
        around: str = typer.Option(None, "--around", help="export the neighbourhood of this node (Label:key)"),
        depth: int = typer.Option(1, "--depth", min=1, help="hops around --around"),
        labels: str = typer.Option(None, "--labels", help="only these labels around the node (comma-separated)"),
        limit: int = typer.Option(300, "--limit", help="html only: node limit of the picture (0 = no limit)"),
        lang: str = typer.Option("zh", "--lang", help="html only: zh or en"),
    ) -> None:
        """导出 / Export the graph, an audit's subgraph or a node's neighbourhood."""
        from ..dashboard import audits, export, subgraphs

        if fmt not in export.FORMATS:
            raise typer.BadParameter(f"--format must be one of {', '.join(export.FORMATS)}")
        if audit and around:
            raise typer.BadParameter("choose --audit or --around, not both")
        if param and not audit:
            raise typer.BadParameter("--param needs --audit")
        if fmt == "html":
            require_feature("html")  # the picture is drawn by pyvis
        params = parse_params(param)
        store = open_or_exit(ctx, read_only=True)
        try:
            full = to_networkx(store)
            center = None
            if audit:
                graph = subgraphs.audit_graph(store, audit, params, full)
                title = f"{audits.audit_title(audits.get_audit(audit), lang)} ({audit})"
            elif around:
                keep = [name.strip() for name in labels.split(",") if name.strip()] if labels else None
                graph = subgraphs.around(full, around, depth, keep)
                center = subgraphs.resolve_node(full, around)
                title = f"{around} ±{depth}"
            else:
                graph, title = full, "safetykg"
            if fmt == "csv" and output != "-" and not output.endswith(".zip"):
                written = export.write_csv_dir(graph, Path(output), store.schema)
                err.print(f"wrote {len(written)} files to {output}: {graph.number_of_nodes()} nodes, "
                          f"{graph.number_of_edges()} relationships")
                return
            payload = export.export_bytes(graph, fmt, lang=lang, limit=limit, title=title, center=center,
                                          schema=store.schema)
        except (KeyError, LookupError, ValueError) as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_INPUT) from exc
        except Exception as exc:
            err.print(f"[red]导出失败 / export failed: {exc}[/red]")
            raise typer.Exit(EXIT_RUNTIME) from exc
        finally:
            store.close()
        if output == "-":
            sys.stdout.buffer.write(payload)
            sys.stdout.flush()
        else:
            Path(output).parent.mkdir(parents=True, exist_ok=True)
            Path(output).write_bytes(payload)
            err.print(f"wrote {output}: {graph.number_of_nodes()} nodes, {graph.number_of_edges()} relationships")
