"""Start Streamlit on safetykg/dashboard/app.py (what `safetykg dashboard` runs: `python -m safetykg.dashboard.serve ...`).

app.py navigates with `st.navigation`. Streamlit still switches to its legacy "pages/ directory"
mode when a `pages/` folder sits beside the main script, and in that mode the first request
after start-up that is a deep link (e.g. /accident?id=…) is answered with "Page not found".
safetykg/dashboard/pages/ exists only because pyproject.toml still lists the `safetykg.dashboard.pages`
package, so the legacy mode is switched off before the server starts.

The server also prepares the overview and every audit's first page in a background thread
(prepared.py), so the first analyst to open them does not wait for a national scan.
"""

from __future__ import annotations

import sys
import threading


def main(argv: list[str]) -> int:
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except (ImportError, AttributeError):  # a Streamlit without the legacy switch: nothing to do
        pass
    from streamlit.web import cli

    threading.Thread(target=_prepare_when_running, name="safetykg-prepare", daemon=True).start()
    sys.argv = ["streamlit", *argv]
    cli.main(prog_name="streamlit")  # click: exits with the server's status
    return 0


def _prepare_when_running() -> None:
    """Wait for Streamlit's runtime (its cache storage lives there: the app's modules are imported only
    then), then keep the default views prepared."""
    import time

    from streamlit import runtime

    while not runtime.exists():
        time.sleep(0.2)
    from . import prepared

    if prepared.enabled():
        prepared.keep_prepared()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
