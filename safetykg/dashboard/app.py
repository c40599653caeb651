"""The Streamlit app served by `safetykg dashboard`: Chinese first, English by a sidebar switch.

Run directly with `streamlit run safetykg/dashboard/app.py` after setting SAFETYKG_DATA_DIR or NEO4J_URI;
`safetykg dashboard` does that for you, headless, without telemetry, on 127.0.0.1.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from safetykg.dashboard import data, filterbar, state
from safetykg.dashboard.i18n import LANG_KEY, t

HERE = Path(__file__).resolve().parent
PAGES = (
    ("page_overview.py", "page_overview", "overview", ":material/dashboard:"),
    ("page_entity.py", "page_entity", "entity", ":material/search:"),
    ("page_accident.py", "page_accident", "accident", ":material/warning:"),
    ("page_audits.py", "page_audits", "audits", ":material/fact_check:"),
    ("page_network.py", "page_network", "network", ":material/hub:"),
    ("page_console.py", "page_console", "query", ":material/terminal:"),
    ("page_exports.py", "page_exports", "exports", ":material/download:"),
    ("page_review.py", "page_review", "review", ":material/rule:"),
)

st.set_page_config(page_title="safetykg", page_icon=":material/hub:", layout="wide")

state.adopt_url()
english = st.sidebar.toggle(t("lang_toggle"), key=LANG_KEY)
state.remember_lang()
lang = "en" if english else "zh"

pages = [
    st.Page(HERE / script, title=t(title, lang), url_path=url, icon=icon, default=index == 0)
    for index, (script, title, url, icon) in enumerate(PAGES)
]
current = st.navigation(pages)
config = data.config_from_env()
try:
    data.holder().store()
except Exception:  # no graph yet or the engine is down: the page says so, without filters
    pass
else:
    filterbar.render_sidebar()
st.sidebar.caption(f"{t('store', lang)}: {config.engine}", help=config.describe())
current.run()
