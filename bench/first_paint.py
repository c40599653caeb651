"""First paint of the dashboard on a loaded graph, in a real headless Chromium: seconds until the
overview shows its numbers and until an audit's first page of results is on screen.

    python bench/first_paint.py --data-dir /data/kg-1m                       # overview + three audits
    python bench/first_paint.py --data-dir /data/kg-1m --audit repeat-incidents --out first-paint.json

The target of issue 12 is 3 s on the 1M graph. Each page is opened twice: the first visit pays for
the store's first reads (cold page cache), the second is what an analyst sees afterwards. Needs
/usr/bin/chromium (or SAFETYKG_CHROMIUM) and Playwright, like the browser tests.

The server prepares the overview and every audit's first page when it starts (safetykg/dashboard/
prepared.py); the visits begin once it says so, and `prepared_s` is how long that took after the
server answered. `--cold` switches the preparation off: every first visit then computes its page.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CHROMIUM = Path(os.environ.get("SAFETYKG_CHROMIUM", "/usr/bin/chromium"))
DEFAULT_AUDITS = ("repeat-incidents", "unexecuted-penalties", "cross-province-accountability-breaks")
WAIT_MS = 600_000
READY_MARK = "[safetykg] dashboard prepared"  # safetykg.dashboard.prepared.READY_MARK, without importing Streamlit


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def serve(data_dir: Path, port: int, log: Path, cold: bool) -> subprocess.Popen[bytes]:
    """`safetykg dashboard` on the graph, in its own process group; returns once it answers its health check."""
    env = {k: v for k, v in os.environ.items() if k != "NEO4J_URI"}
    env["SAFETYKG_DASHBOARD_PREPARE"] = "0" if cold else "1"
    with log.open("wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "safetykg", "--data-dir", str(data_dir), "dashboard",
                                 "--port", str(port)], stdout=out, stderr=subprocess.STDOUT, env=env,
                                start_new_session=True, cwd=REPO)
    began = time.monotonic()
    while time.monotonic() - began < 300:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.read().decode().strip() == "ok":
                    return proc
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            break
    raise SystemExit(f"dashboard did not come up:\n{log.read_text(errors='replace')[-2000:]}")


def prepared_seconds(log: Path, proc: subprocess.Popen[bytes]) -> float:
    """Seconds from the health check's answer until the server says the default views are prepared."""
    began = time.monotonic()
    while READY_MARK not in log.read_text(errors="replace"):
        if proc.poll() is not None or time.monotonic() - began > WAIT_MS / 1000:
            raise SystemExit(f"the dashboard never prepared its views:\n{log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.2)
    return round(time.monotonic() - began, 2)


def overview_seconds(tab: Any, base: str) -> float:
    began = time.perf_counter()
    tab.goto(base + "/")
    tab.locator('[data-testid="stMetricValue"]').first.wait_for(timeout=WAIT_MS)
    tab.get_by_text("审计发现的未闭环事项").wait_for(timeout=WAIT_MS)
    return round(time.perf_counter() - began, 2)


def audit_seconds(tab: Any, base: str, audit: str) -> float:
    """From opening the audit's page to its first page of rows, pressing 运行 as soon as it is there."""
    began = time.perf_counter()
    tab.goto(f"{base}/audits?audit={audit}")
    tab.get_by_role("button", name="运行").wait_for(timeout=WAIT_MS)
    tab.get_by_role("button", name="运行").click()
    tab.get_by_role("heading", name=re.compile(r"结果")).wait_for(timeout=WAIT_MS)
    return round(time.perf_counter() - began, 2)


def measure(data_dir: Path, audits: list[str], cold: bool) -> dict[str, Any]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    log = data_dir.parent / f"first-paint-{port}.log"
    proc = serve(data_dir, port, log, cold)
    base = f"http://127.0.0.1:{port}"
    out: dict[str, Any] = {"data_dir": str(data_dir), "prepared": not cold, "overview_s": [], "audits_s": {}}
    try:
        if not cold:
            out["prepared_s"] = prepared_seconds(log, proc)
        with sync_playwright() as driver:
            browser = driver.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
            tab = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN").new_page()
            for _ in range(2):
                out["overview_s"].append(overview_seconds(tab, base))
            for audit in audits:
                out["audits_s"][audit] = [audit_seconds(tab, base, audit) for _ in range(2)]
            browser.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, required=True, help="a loaded embedded graph (safetykg --data-dir)")
    parser.add_argument("--audit", action="append", help="audit ids to open (repeatable)")
    parser.add_argument("--out", type=Path, help="also write the numbers here as JSON")
    parser.add_argument("--cold", action="store_true", help="switch the server's preparation of the views off")
    args = parser.parse_args()
    result = measure(args.data_dir.resolve(), args.audit or list(DEFAULT_AUDITS), args.cold)
    text = json.dumps(result, ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
