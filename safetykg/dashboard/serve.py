"""Start Streamlit on safetykg/dashboard/app.py (what `safetykg dashboard` runs: `python -m safetykg.dashboard.serve ...`).

app.py navigates with `st.navigation`. Streamlit still switches to its legacy "pages/ directory"
mode when a `pages/` folder sits beside the main script, and in that mode the first request
after start-up that is a deep link (e.g. /accident?id=…) is answered with "Page not found".
safetykg/dashboard/pages/ exists only because pyproject.toml still lists the `safetykg.dashboard.pages`
package, so the legacy mode is switched off before the server starts.
"""

from __future__ import annotations

import sys


def main(argv: list[str]) -> int:
    try:
        from streamlit.runtime.pages_manager import PagesManager

        PagesManager.uses_pages_directory = False
    except (ImportError, AttributeError):  # a Streamlit without the legacy switch: nothing to do
        pass
    from streamlit.web import cli

    sys.argv = ["streamlit", *argv]
    cli.main(prog_name="streamlit")  # click: exits with the server's status
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
