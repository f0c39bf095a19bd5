"""What a phone gets on a first visit: Lighthouse, and the time from tapping Start to the first question.

- Lighthouse (npm `lighthouse`, pinned in package.json, installed by `make test`/`make bench`
  from package-lock.json) with its own default settings: the mobile form factor, simulated slow 4G
  (150 ms round trip, 1.6 Mbps down) and a 4x slower CPU. It drives Debian's Chromium
  (CHROME_PATH=/usr/bin/chromium). In one run, page by page in turn so all meet the same machine:
  KetaCheck's first screen `/` (a static page), the app's own start page `/start` (Streamlit), a
  bare one-question Streamlit page, and a plain static page (KetaCheck's offline card).
- Start to first question (Playwright, the same phone, the same slow 4G through the counting proxy
  and the same 4x CPU slowdown through the DevTools protocol): the first screen opened in a fresh
  profile, "Myself" and "not prescribed" chosen, Start tapped; the clock runs from the tap until
  the first question's answers show. Cold: a fresh profile, after the page settled (Streamlit's
  bundle prefetched, as while a person reads); cold at once: tapped as soon as the page works (the
  prefetch still under way); warm: the same profile again (HTTP cache, the service worker).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from benchmarks import first_load
from benchmarks.proxy import CountingProxy, Link
from benchmarks.servers import ROOT, ServerProcess

LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
CHROME_FLAGS = " ".join(["--headless=new", *first_load.CHROMIUM_ARGS])
PAGES = {
    # name: (which server, path)
    "KetaCheck first screen /": ("ketacheck", "/"),
    # The same screen in the languages whose words run longest (Spanish) and whose script is largest
    # (Chinese: the system's CJK font, no web font), as a person there gets it from the browser's language.
    "KetaCheck first screen / in Spanish (?lang=es)": ("ketacheck", "/?lang=es"),
    "KetaCheck first screen / in Chinese (?lang=zh-Hant)": ("ketacheck", "/?lang=zh-Hant"),
    "KetaCheck start page /start (Streamlit)": ("ketacheck", "/start"),
    "bare Streamlit page": ("bare", "/"),
    "static page (offline card)": ("ketacheck", "/offline.html"),
}
METRICS = {"fcp_ms": "first-contentful-paint", "lcp_ms": "largest-contentful-paint", "tbt_ms": "total-blocking-time",
           "cls": "cumulative-layout-shift", "si_ms": "speed-index"}
CATEGORIES = ("performance", "accessibility", "best-practices")
RUNS = 3
LIGHTHOUSE_TIMEOUT_S = 300
# Issue 23's target for `/`.
PERFORMANCE_MIN = 90
LCP_MS_MAX = 2500

START_LINKS = {"localhost": Link(), "slow 4G": first_load.LINKS["slow 4G"]}
START_ROUNDS = 3
CPU_SLOWDOWN = 4  # Lighthouse's mobile CPU
FIRST_QUESTION = ".kc-question .kc-answer"  # the question element's answers (ketacheck/ui/assets/question.js)
TIMEOUT_MS = 180_000


# ------------------------------------------------------------------------------------ Lighthouse


def version() -> str:
    package = ROOT / "node_modules" / "lighthouse" / "package.json"
    return json.loads(package.read_text())["version"] if package.exists() else "not installed"


# Lighthouse's own "Please run Lighthouse again" failures: its trace of the load came out incomplete
# (seen once in CI on a busy 2-core machine: NO_NAVSTART). They say nothing about the page, so the
# run is repeated; any other failure, or the same one every time, still stops the benchmark.
TRANSIENT = ("NO_NAVSTART", "NO_FCP", "NO_LCP", "NO_TRACING_STARTED", "NO_DCL", "NO_RESOURCE_REQUEST")
ATTEMPTS = 3


def run_lighthouse(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run with its default (mobile) settings, repeated when Lighthouse's trace failed."""
    for _ in range(ATTEMPTS - 1):
        try:
            return _run_lighthouse_once(url, out)
        except RuntimeError as error:
            if not any(code in str(error) for code in TRANSIENT):
                raise
    return _run_lighthouse_once(url, out)


def _run_lighthouse_once(url: str, out: Path) -> dict[str, Any]:
    """One Lighthouse run with its default (mobile) settings: scores 0-100, metrics in ms, KiB."""
    out.unlink(missing_ok=True)
    if not LIGHTHOUSE.exists():
        raise RuntimeError(f"{LIGHTHOUSE} is missing: run `npm ci` (make test does) to install the pinned lighthouse")
    cmd = [str(LIGHTHOUSE), url, "--quiet", "--output=json", f"--output-path={out}",
           f"--only-categories={','.join(CATEGORIES)}", f"--chrome-flags={CHROME_FLAGS}"]
    env = {**os.environ, "CHROME_PATH": first_load.CHROMIUM}
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=LIGHTHOUSE_TIMEOUT_S, check=False)
    if done.returncode != 0 or not out.exists():
        raise RuntimeError(f"lighthouse failed on {url} ({done.returncode}): {done.stderr.strip()[-500:]}")
    report = json.loads(out.read_text())
    if report.get("runtimeError"):
        raise RuntimeError(f"lighthouse on {url}: {report['runtimeError']}")
    audits = report["audits"]
    settings = report["configSettings"]
    return {
        **{name: round(100 * report["categories"][name]["score"]) for name in CATEGORIES},
        **{key: round(audits[audit]["numericValue"], 3 if key == "cls" else 0) for key, audit in METRICS.items()},
        "kib": round(audits["total-byte-weight"]["numericValue"] / 1024),
        "requests": len(audits["network-requests"]["details"]["items"]),
        "lcp_element": _lcp_element(audits),
        "settings": f"{settings['formFactor']}, {settings['throttlingMethod']}: "
                    f"{settings['throttling']['rttMs']:g} ms RTT, {settings['throttling']['throughputKbps']:g} kbps, "
                    f"CPU x{settings['throttling']['cpuSlowdownMultiplier']:g}",
    }


def _lcp_element(audits: dict[str, Any]) -> str:
    try:
        items = audits["largest-contentful-paint-element"]["details"]["items"][0]["items"]
        return items[0]["node"].get("nodeLabel", "")[:60]
    except (KeyError, IndexError, TypeError):
        return ""


def audit(log_dir: Path, runs: int = RUNS) -> dict[str, Any]:
    """Every page in PAGES, `runs` times, in turn; each page's median run (by performance score)."""
    results: dict[str, list[dict[str, Any]]] = {name: [] for name in PAGES}
    out_dir = log_dir / "lighthouse"
    out_dir.mkdir(parents=True, exist_ok=True)
    with ServerProcess(log_dir, name="ketacheck") as kc, \
            ServerProcess(log_dir, app="benchmarks.bare.server:app", name="bare") as bare:
        servers = {"ketacheck": kc, "bare": bare}
        for name, (server, path) in PAGES.items():  # first requests of each page (imports, caches)
            _warm(servers[server].url + path)
        for n in range(runs):
            for i, (name, (server, path)) in enumerate(PAGES.items()):
                results[name].append(run_lighthouse(servers[server].url + path, out_dir / f"{i}-{n}.json"))
    out: dict[str, Any] = {"lighthouse": version(), "runs": runs, "pages": {}}
    for name, rs in results.items():
        ordered = sorted(rs, key=lambda r: (r["performance"], -r["lcp_ms"]))
        median = ordered[(len(ordered) - 1) // 2]
        out["pages"][name] = {**median, "performance_all": [r["performance"] for r in rs]}
    return out


def _warm(url: str) -> None:
    import urllib.request

    with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": "text/html"}), timeout=60) as r:
        r.read()


# ------------------------------------------------------------------------------------ Start -> question


def _open_first_screen(page: Page, url: str) -> None:
    page.goto(url + "/", wait_until="commit", timeout=TIMEOUT_MS)
    page.wait_for_selector("#kc-start[aria-disabled]", state="attached", timeout=TIMEOUT_MS)
    page.locator("input[name=audience][value=self]").check()
    page.locator("input[name=prescribed][value=false]").check()


def _tap_start(page: Page) -> float:
    started = time.perf_counter()
    page.locator("#kc-start").click()
    try:
        page.wait_for_selector(FIRST_QUESTION, state="visible", timeout=TIMEOUT_MS)
    except PlaywrightTimeout as timeout:
        # Say which side hung: still on the static start page (Start did nothing), or in the app
        # with no question (the check never arrived).
        shot = Path(tempfile.gettempdir()) / "ketacheck-start-timeout.png"
        page.screenshot(path=str(shot))
        seen = page.locator("body").inner_text(timeout=5_000)[:300].replace("\n", " / ")
        raise AssertionError(f"no first question {TIMEOUT_MS // 1000} s after Start; the page is "
                             f"{page.url} and shows: {seen!r} (screenshot {shot})") from timeout
    return 1000 * (time.perf_counter() - started)


def _slow_cpu(page: Page, rate: float) -> None:
    if rate > 1:
        page.context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": rate})


def start_to_question(log_dir: Path, links: dict[str, Link] | None = None, rounds: int = START_ROUNDS,
                      cpu_slowdown: float = CPU_SLOWDOWN) -> dict[str, Any]:
    """Per link: the median ms from tapping Start to the first question, cold (page settled), cold
    at once (Start tapped as soon as it works) and warm (the same profile again)."""
    links = START_LINKS if links is None else links
    out: dict[str, Any] = {}
    with sync_playwright() as pw, ServerProcess(log_dir, name="ketacheck") as server:
        browser = pw.chromium.launch(executable_path=first_load.CHROMIUM, args=first_load.CHROMIUM_ARGS)
        try:
            warmup = browser.new_context(**first_load.PHONE)  # the server's first run of each page, once
            page = warmup.new_page()
            _open_first_screen(page, server.url)
            _tap_start(page)
            warmup.close()
            for link_name, link in links.items():
                proxy = CountingProxy(server.port, link).start()
                url = f"http://127.0.0.1:{proxy.port}"
                times: dict[str, list[float]] = {"cold_ms": [], "cold_at_once_ms": [], "warm_ms": []}
                try:
                    for _ in range(rounds):
                        context = browser.new_context(**first_load.PHONE)
                        page = context.new_page()
                        _slow_cpu(page, cpu_slowdown)
                        _open_first_screen(page, url)
                        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)  # the prefetch done
                        times["cold_ms"].append(_tap_start(page))
                        page = context.new_page()  # a new tab: its own, empty tab copy
                        _slow_cpu(page, cpu_slowdown)
                        _open_first_screen(page, url)
                        page.wait_for_load_state("networkidle", timeout=TIMEOUT_MS)
                        times["warm_ms"].append(_tap_start(page))
                        context.close()
                        context = browser.new_context(**first_load.PHONE)
                        page = context.new_page()
                        _slow_cpu(page, cpu_slowdown)
                        _open_first_screen(page, url)
                        times["cold_at_once_ms"].append(_tap_start(page))
                        context.close()
                finally:
                    proxy.stop()
                out[link_name] = {key: round(statistics.median(v)) for key, v in times.items()}
        finally:
            browser.close()
    return {"cpu_slowdown": cpu_slowdown, "rounds": rounds, "links": out}


def measure(log_dir: Path, runs: int = RUNS, links: dict[str, Link] | None = None,
            rounds: int = START_ROUNDS) -> dict[str, Any]:
    return {**audit(log_dir, runs), "start_to_question": start_to_question(log_dir, links, rounds)}


def table(res: dict[str, Any]) -> list[str]:
    pages = res["pages"]
    settings = next(iter(pages.values()))["settings"]
    lines = [f"## Lighthouse {res['lighthouse']} on a phone (its defaults: {settings}), median of {res['runs']}", "",
             "| Page | performance (every run) | accessibility | best practices | FCP ms | LCP ms | TBT ms | CLS | "
             "Speed Index ms | KiB | LCP element | target |", "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for name, p in pages.items():
        target = ""
        if name.startswith("KetaCheck first screen /"):
            good = p["performance"] >= PERFORMANCE_MIN and p["lcp_ms"] <= LCP_MS_MAX
            target = f"perf >= {PERFORMANCE_MIN}, LCP <= {LCP_MS_MAX}: {'yes' if good else '**NO**'}"
        runs = ", ".join(str(s) for s in p["performance_all"])
        lines.append(f"| {name} | {p['performance']} ({runs}) | {p['accessibility']} | {p['best-practices']} | "
                     f"{p['fcp_ms']:.0f} | {p['lcp_ms']:.0f} | {p['tbt_ms']:.0f} | {p['cls']} | {p['si_ms']:.0f} | "
                     f"{p['kib']} | {p['lcp_element']} | {target} |")
    s = res["start_to_question"]
    lines += ["", (f"## From tapping Start on `/` to the first question (phone, CPU x{s['cpu_slowdown']:g}, "
                   f"median of {s['rounds']})"), "",
              "| Link | cold: page settled, ms | cold: Start tapped at once, ms | warm: repeat visit, ms |",
              "|---|---|---|---|"]
    for link, t in s["links"].items():
        lines.append(f"| {link} | {t['cold_ms']} | {t['cold_at_once_ms']} | {t['warm_ms']} |")
    return [*lines, ""]


if __name__ == "__main__":
    import tempfile

    print(json.dumps(measure(Path(tempfile.mkdtemp(prefix="kc-lighthouse-"))), indent=1))
