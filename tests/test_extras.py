"""A command whose optional dependency is missing exits 2 with the `pip install "safetykg[…]"` line.

The CLI runs in a child interpreter where the optional modules cannot be imported: a
`sitecustomize` on PYTHONPATH puts a finder first on sys.meta_path that refuses the names in
SAFETYKG_TEST_BLOCK, exactly as an interpreter without the extra would. CI also checks this for
real in a fresh virtualenv without extras (scripts/check-install.sh).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BLOCKER = '''
import os, sys
from importlib.abc import MetaPathFinder

class _Blocked(MetaPathFinder):
    names = set(filter(None, os.environ.get("SAFETYKG_TEST_BLOCK", "").split(",")))

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".")[0] in self.names:
            raise ModuleNotFoundError(f"No module named {fullname!r}", name=fullname)
        return None

sys.meta_path.insert(0, _Blocked())
'''


def safetykg_without(blocked: str, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    site = tmp_path / "site"
    site.mkdir(exist_ok=True)
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    env.update(PYTHONPATH=os.pathsep.join(filter(None, [str(site), env.get("PYTHONPATH")])), SAFETYKG_TEST_BLOCK=blocked)
    return subprocess.run(
        [sys.executable, "-m", "safetykg", "--data-dir", str(tmp_path / "graph"), *args],
        env=env, capture_output=True, text=True, timeout=300, stdin=subprocess.DEVNULL,
    )


@pytest.mark.parametrize(
    ("blocked", "args", "extra"),
    [
        ("streamlit", ("dashboard", "--port", "1"), "dashboard"),
        ("pyvis", ("dashboard", "--port", "1"), "dashboard"),
        ("pyvis", ("export", "--format", "html", "-o", "x.html"), "dashboard"),
    ],
)
def test_missing_extra_names_the_install_line(blocked: str, args: tuple[str, ...], extra: str, tmp_path: Path):
    done = safetykg_without(blocked, tmp_path, *args)
    assert done.returncode == 2, done.stderr
    assert f'pip install "safetykg[{extra}]"' in done.stderr
    assert blocked in done.stderr and "Traceback" not in done.stderr


def test_the_blocker_blocks(tmp_path: Path):
    """The check above is only worth something if the module really cannot be imported in the child."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(BLOCKER, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(site), "SAFETYKG_TEST_BLOCK": "streamlit"}
    done = subprocess.run([sys.executable, "-c", "import streamlit"], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "No module named 'streamlit'" in done.stderr
