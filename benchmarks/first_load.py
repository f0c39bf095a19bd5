"""First load in headless Chromium at a phone viewport: a cold visit, then a repeat visit.

For each app (KetaCheck as `make run` serves it; the bare page; KetaCheck's pages under plain
`streamlit run app.py`, which is Streamlit's default serving):

- cold: a fresh browser profile (empty cache, no service worker) opens the app;
- repeat: the same profile opens it again after the first visit settled (KetaCheck's service
  worker installed and controlling, the HTTP cache warm).

Measured: time from navigation start to the first question's answer buttons being visible (for
KetaCheck, whose `/` is a static page, to its choices working)
(`performance.now()`), and the bytes on the wire both ways up to then and after the page
settled, counted by a proxy (benchmarks/proxy.py) so the service worker's own fetches count too.
Each link profile: `localhost` (no shaping) and `slow 4G` (1.6 Mbps down, 750 kbps up, 150 ms
round trip: Lighthouse's mobile profile).
"""

from __future__ import annotations

import statistics
from pathlib import Path
from typing import Any

from playwright.sync_api import BrowserContext, sync_playwright

from benchmarks.proxy import CountingProxy, Link
from benchmarks.servers import ServerProcess

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                         "device_scale_factor": 2, "locale": "en-US"}
LINKS = {"localhost": Link(), "slow 4G": Link(down_kbps=1600, up_kbps=750, rtt_ms=150)}
APPS = {
    # name: (how to start it, the first question's first answer button)
    # KetaCheck's `/` is its static first screen: ready when its choices work (/start.js has run).
    "ketacheck": ({}, "#kc-start[aria-disabled]"),
    "bare": ({"app": "benchmarks.bare.server:app"}, ".st-key-answer_q_0 button"),
    "ketacheck, streamlit run app.py": ({"streamlit_run": "app.py"}, ".st-key-pick_audience_self button"),
}
ROUNDS = 3
SETTLE_MS = 3000
TIMEOUT_MS = 120_000


def _visit(context: BrowserContext, url: str, selector: str, proxy: CountingProxy,
           settle_ms: int = SETTLE_MS) -> dict[str, float]:
    proxy.reset()
    page = context.new_page()
    try:
        page.goto(url, wait_until="commit", timeout=TIMEOUT_MS)
        page.wait_for_selector(selector, state="visible", timeout=TIMEOUT_MS)
        first_question_ms = page.evaluate("performance.now()")
        bytes_to_question = proxy.down + proxy.up
        page.wait_for_timeout(settle_ms)
        # A service worker still installing gets time to finish before the repeat visit.
        controlled = page.evaluate("""async () => {
            const reg = await navigator.serviceWorker.getRegistration();
            if (reg) { await Promise.race([navigator.serviceWorker.ready, new Promise(r => setTimeout(r, 10000))]); }
            return !!navigator.serviceWorker.controller;
        }""")
        return {"first_question_ms": first_question_ms, "kb_to_question": bytes_to_question / 1024,
                "kb_settled": (proxy.down + proxy.up) / 1024, "sw_controlled": controlled}
    finally:
        page.close()


def measure(log_dir: Path, links: dict[str, Link] | None = None, rounds: int = ROUNDS,
            settle_ms: int = SETTLE_MS) -> dict[str, Any]:
    """Every app over every link (default LINKS): the median of `rounds` cold and repeat visits."""
    links = LINKS if links is None else links
    out: dict[str, Any] = {}
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            for app, (how, selector) in APPS.items():
                with ServerProcess(log_dir, name=app.split(",")[0], **how) as server:
                    out[app] = {}
                    for link_name, link in links.items():
                        proxy = CountingProxy(server.port, link).start()
                        url = f"http://127.0.0.1:{proxy.port}/"
                        runs: dict[str, list[dict[str, float]]] = {"cold": [], "repeat": []}
                        try:
                            if link_name == "localhost":  # the server's own first-run costs, once
                                warmup = browser.new_context(**PHONE)
                                _visit(warmup, url, selector, proxy, settle_ms)
                                warmup.close()
                            for _ in range(rounds):
                                context = browser.new_context(**PHONE)
                                runs["cold"].append(_visit(context, url, selector, proxy, settle_ms))
                                runs["repeat"].append(_visit(context, url, selector, proxy, settle_ms))
                                context.close()
                        finally:
                            proxy.stop()
                        out[app][link_name] = {
                            kind: {key: round(statistics.median(r[key] for r in rs), 1)
                                   for key in ("first_question_ms", "kb_to_question", "kb_settled")}
                            | {"sw_controlled": all(r["sw_controlled"] for r in rs)}
                            for kind, rs in runs.items()
                        }
        finally:
            browser.close()
    return out


if __name__ == "__main__":
    import json
    import tempfile

    print(json.dumps(measure(Path(tempfile.mkdtemp(prefix="kc-first-load-"))), indent=1))
