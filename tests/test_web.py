"""The server glue without a browser: the HTML shell rewrite, CSP, offline help card, manifest and
the middlewares, driven as plain ASGI apps."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser

import pytest
from starlette.routing import Router

from conftest import ROOT
from ketacheck.web import headers, html_shell, offline_page, pwa

INDEX = headers.streamlit_index_html()


def test_shell_rewrite_adds_pwa_tags_name_and_crisis_link():
    html = html_shell.rewrite(INDEX)
    assert '<html lang="en">' in html and "<title>KetaCheck</title>" in html
    for tag in ('rel="manifest" href="/app.webmanifest"', 'name="theme-color"', 'rel="apple-touch-icon"',
                'name="description"', 'src="/pwa.js"', 'src="/assist.js"'):
        assert tag in html, tag
    root = html[html.index('<div id="root">'):]
    assert "KetaCheck" in root[:400] and 'href="/offline.html"' in root[:400]
    assert "_stcore/agent" not in html  # no pointer to the agent API


def test_the_apps_styles_come_once_per_page_load_after_streamlits_own(content):
    """The styles a run used to send (5 KB on every page change) are a file the shell links at the
    end of <body>, so on equal specificity they still win over the <style> tags Streamlit adds to
    <head>; the route serves them."""
    html = html_shell.rewrite(INDEX)
    tag = '<link rel="stylesheet" href="/chrome.css" />'
    link = html.index(tag)
    assert link > html.index("</head>") and link > html.index('<div id="root">')
    assert html[link + len(tag):html.index("</body>")].strip() == ""  # nothing of Streamlit's comes after it

    status, hdrs, body = call(Router(routes=pwa.routes(content)), "/chrome.css")
    assert status == 200 and hdrs[b"content-type"].startswith(b"text/css")
    assert b".st-key-quick_exit { position: sticky" in body and b"</style>" not in body  # CSS, not an HTML wrapper


def test_csp_allows_exactly_streamlits_inline_script_and_no_other_origin():
    inline = re.search(r"<script>(.*?)</script>", INDEX, re.S).group(1)
    digest = base64.b64encode(hashlib.sha256(inline.encode()).digest()).decode()
    csp = headers.content_security_policy(INDEX)
    assert f"'sha256-{digest}'" in csp
    assert "http:" not in csp and "https:" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        self.scripts += tag == "script"
        self.hrefs += [v for k, v in attrs if k == "href"]


def test_offline_page_lists_every_regions_emergency_and_crisis_contacts(content):
    html = offline_page.render(content)
    parser = _Links()
    parser.feed(html)
    assert parser.scripts == 0 and "needs a connection" in html
    for region in content.regions.values():
        assert region.name in html
        for res in region.resources:
            if res.type in ("emergency", "crisis") and res.phone:
                assert f"tel:{res.phone.replace(' ', '').replace('-', '')}" in parser.hrefs, res.id


def test_offline_page_escapes_content(content, monkeypatch):
    region = content.regions["US"]
    hostile = region.resources[0].model_copy(update={"name": "<script>alert(1)</script>"})
    monkeypatch.setitem(content.regions, "US", region.model_copy(update={"resources": [hostile, *region.resources[1:]]}))
    html = offline_page.render(content)
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_manifest_is_installable_shape(content):
    m = pwa.manifest(content)
    assert m["display"] == "standalone" and m["start_url"] == m["scope"] == m["id"] == "/"
    sizes = {(i["sizes"], i["purpose"]) for i in m["icons"]}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= sizes
    for icon in m["icons"]:
        assert (pwa.STATIC / "icons" / icon["src"].rsplit("/", 1)[1]).is_file()


# ------------------------------------------------------------------ middlewares as plain ASGI


def call(app, path, headers_in=()):
    sent = []

    async def receive():
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "GET", "path": path, "headers": list(headers_in), "client": ("127.0.0.1", 5)}
    asyncio.run(app(scope, receive, send))
    start = sent[0]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return start["status"], dict(start["headers"]), body


def fake_streamlit(html: bytes):
    """Answers like Streamlit's SPA fallback: gzip when asked (the trap), plain otherwise."""
    seen = {}

    async def app(scope, receive, send):
        seen["accept-encoding"] = dict(scope["headers"]).get(b"accept-encoding")
        enc = [(b"content-encoding", b"gzip")] if seen["accept-encoding"] else []
        await send({"type": "http.response.start", "status": 200,
                    "headers": [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"1"), *enc]})
        await send({"type": "http.response.body", "body": html[:100], "more_body": True})
        await send({"type": "http.response.body", "body": html[100:]})

    return app, seen


def test_shell_middleware_defuses_gzip_and_rewrites_deep_links():
    inner, seen = fake_streamlit(INDEX.encode())
    app = headers.SecurityHeadersMiddleware(html_shell.HtmlShellMiddleware(inner), index_html=INDEX)
    status, hdrs, body = call(app, "/check", [(b"accept", b"text/html"), (b"accept-encoding", b"gzip, br")])
    assert status == 200 and seen["accept-encoding"] is None and b"content-encoding" not in hdrs
    assert b'rel="manifest"' in body and int(hdrs[b"content-length"]) == len(body)
    assert hdrs[b"referrer-policy"] == b"no-referrer" and hdrs[b"x-content-type-options"] == b"nosniff"
    assert b"camera=()" in hdrs[b"permissions-policy"]


def test_metrics_are_not_served():
    inner, _ = fake_streamlit(b"metrics")
    status, hdrs, _ = call(headers.SecurityHeadersMiddleware(inner, index_html=INDEX), "/_stcore/metrics")
    assert status == 404 and hdrs[b"referrer-policy"] == b"no-referrer"


def test_only_streamlits_page_is_rewritten(content):
    offline = offline_page.render(content)
    assert html_shell.rewrite(offline) == offline  # the offline card stays script-free


def test_static_bundles_are_sent_gzipped_and_kept():
    import gzip

    from ketacheck.web.compression import StaticGzipMiddleware

    script = b"console.log('ketacheck');\n" * 400
    calls = []

    async def static(scope, receive, send):
        calls.append(scope["path"])
        await send({"type": "http.response.start", "status": 200, "headers": [
            (b"content-type", b"application/javascript"), (b"content-length", str(len(script)).encode()),
            (b"cache-control", b"public, immutable, max-age=31536000")]})
        await send({"type": "http.response.body", "body": script})

    app = StaticGzipMiddleware(static)
    gz = [(b"accept-encoding", b"gzip, deflate, br")]
    status, hdrs, body = call(app, "/static/js/index.abc.js", gz)
    assert status == 200 and hdrs[b"content-encoding"] == b"gzip" and gzip.decompress(body) == script
    assert int(hdrs[b"content-length"]) == len(body) < len(script) // 10
    call(app, "/static/js/index.abc.js", gz)
    assert calls == ["/static/js/index.abc.js"]  # compressed once, then served from memory
    _, plain_hdrs, plain = call(app, "/static/js/index.abc.js")  # a client without gzip gets it plain
    assert plain == script and b"content-encoding" not in plain_hdrs


def test_launcher_takes_streamlit_options_as_toml_values_and_names_a_bad_one(capsys):
    import serve

    assert serve.option("runner.postScriptGC=false") == ("runner.postScriptGC", False)
    assert serve.option("server.disconnectedSessionTTL=30") == ("server.disconnectedSessionTTL", 30)
    assert serve.option("theme.primaryColor=#1F5F8B") == ("theme.primaryColor", "#1F5F8B")
    with pytest.raises(SystemExit) as stop:
        serve.main(["--set", "postScriptGC"])
    assert stop.value.code == 2
    assert "expected section.option=value, got 'postScriptGC'" in capsys.readouterr().err


# serve.main up to the point where it would serve: what the collector looks like then, in a fresh
# process (serve.main also patches Streamlit's AppSession, which this test process must not get).
_SERVED = """import gc, json, sys
import serve
serve.uvicorn.run = lambda app, **kw: print(json.dumps({"app": type(app).__name__, "frozen": gc.get_freeze_count(),
                                                      "threshold": gc.get_threshold()}))
serve.main(["--app", "benchmarks.bare.server:app", *sys.argv[1:]])
"""


@pytest.mark.parametrize("flags, frozen, young", [([], True, 2_000), (["--gc-threshold", "0"], False, 700)])
def test_the_server_freezes_what_start_up_loaded_and_collects_young_objects_less_often(flags, frozen, young):
    done = subprocess.run([sys.executable, "-c", _SERVED, *flags], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, check=True)
    served = json.loads(done.stdout.splitlines()[-1])
    assert served["app"] == "App" and (served["frozen"] > 10_000) == frozen and served["threshold"][0] == young


def test_the_server_names_each_content_problem_and_does_not_start(tmp_path):
    broken = tmp_path / "content"
    shutil.copytree(ROOT / "assessments", broken)
    resources = broken / "resources.yaml"
    resources.write_text(resources.read_text().replace('phone: "116 123"', 'phone: "call us"', 1))
    done = subprocess.run([sys.executable, "serve.py", "--port", "0"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120, env={**os.environ, "KETACHECK_CONTENT": str(broken)})
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert "content is invalid" in done.stderr and "resources.yaml" in done.stderr and "'call us'" in done.stderr


def test_garbage_in_cycles_is_still_collected_after_tuning():
    """Freezing keeps start-up's objects out of the collector's sight, not what runs make later: a
    run's cycles (closures, frames) are freed by the young collections, just less often."""
    code = """import gc, weakref
from ketacheck.web import collector
collector.tune()
class Node: pass
gone, kept = [], []
for _ in range(50):
    a, b = Node(), Node()
    a.other, b.other = b, a
    weakref.finalize(a, gone.append, 1)
    del a, b
    kept.append([[] for _ in range(collector.THRESHOLD // 10)])  # new objects that stay, as sessions' do
print(len(gone), gc.get_freeze_count() > 0)
"""
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=60, check=True)
    collected, frozen = done.stdout.split()
    assert int(collected) >= 40 and frozen == "True"  # all but the last few cycles, without gc.collect()


def test_first_screen_escapes_content_and_prefetches_only_streamlits_own_bundle(content, monkeypatch):
    from ketacheck.web import start_page

    region = content.regions["US"]
    crisis = next(i for i, r in enumerate(region.resources) if r.type == "crisis")
    hostile = region.resources[crisis].model_copy(update={"name": "<script>alert(1)</script>"})
    resources = [*region.resources[:crisis], hostile, *region.resources[crisis + 1:]]
    monkeypatch.setitem(content.regions, "US", region.model_copy(update={"resources": resources}))
    html = start_page.render(content, "US", {"audience": '"><script>x()</script>'})
    assert "<script>alert" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "x()" not in html  # a posted value that is no choice is not echoed back
    bundle = start_page.streamlit_bundle()
    assert bundle[0].startswith("/static/js/index.") and any(p.endswith(".css") for p in bundle)
    assert all(p.startswith("/static/") for p in bundle)


@pytest.mark.parametrize(("header", "region"), [("en-GB,en;q=0.9", "UK"), ("fr;q=0.9, en-NZ", "NZ"),
                                                ("de-DE;q=0.9,en-AU;q=0.8", "AU"), ("", "INTL"), ("*", "INTL"),
                                                ("en-IE;q=0, en-CA", "CA")])
def test_first_screen_guesses_the_region_from_the_browsers_languages(content, header, region):
    from ketacheck.web import start_page

    assert start_page.guess_region(content, header) == region
