"""Installable: Chromium's own checks find nothing missing, the service worker takes control, and
the manifest's icons are what it says they are."""

from __future__ import annotations

import io
import json
import urllib.request
from pathlib import Path

from PIL import Image
from playwright.sync_api import Playwright

from .conftest import CHROMIUM_ARGS, PHONE, open_first_screen


def fetch(url: str) -> tuple[int, dict[str, str], bytes]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()


def test_chromium_finds_the_app_installable_and_the_worker_controls_the_page(
        pw: Playwright, chromium: str, server: str, tmp_path: Path):
    # Installability is only reported in a normal (persistent) profile; incognito says "in-incognito".
    context = pw.chromium.launch_persistent_context(
        str(tmp_path / "profile"), executable_path=chromium, args=CHROMIUM_ARGS, **PHONE)
    try:
        page = context.pages[0] if context.pages else context.new_page()
        open_first_screen(page, server)  # the installed app's start_url: the static first screen
        scope = page.evaluate("async () => (await navigator.serviceWorker.ready).scope")
        assert scope == server + "/"

        page.reload()
        open_first_screen(page, server)
        assert page.evaluate("() => navigator.serviceWorker.controller !== null"), \
            "after a reload the service worker should control the page"
        assert page.evaluate("() => navigator.serviceWorker.controller.scriptURL") == server + "/sw.js"

        cdp = context.new_cdp_session(page)
        manifest = cdp.send("Page.getAppManifest")
        assert manifest["url"] == server + "/app.webmanifest"
        assert manifest["errors"] == [], manifest["errors"]
        assert cdp.send("Page.getInstallabilityErrors")["installabilityErrors"] == []
    finally:
        context.close()


def test_manifest_has_everything_an_install_needs(server: str):
    status, headers, body = fetch(server + "/app.webmanifest")
    assert status == 200 and headers["content-type"].startswith("application/manifest+json")
    manifest = json.loads(body)
    for field in ("name", "short_name", "start_url", "scope", "theme_color", "background_color"):
        assert manifest.get(field), f"manifest has no {field}"
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    assert len(manifest["short_name"]) <= 12  # fits under a home-screen icon

    icons = manifest["icons"]
    sizes = {(icon["sizes"], icon.get("purpose", "any")) for icon in icons}
    assert ("192x192", "any") in sizes and ("512x512", "any") in sizes
    assert any("maskable" in icon.get("purpose", "") for icon in icons), "no maskable icon"


def test_every_manifest_icon_is_served_at_its_declared_size(server: str):
    _, _, body = fetch(server + "/app.webmanifest")
    for icon in json.loads(body)["icons"]:
        status, headers, data = fetch(server + icon["src"])
        assert status == 200, icon["src"]
        assert headers["content-type"].startswith("image/"), (icon["src"], headers["content-type"])
        assert headers["content-type"].startswith(icon["type"]), (icon["src"], headers["content-type"])
        if icon["sizes"] == "any":
            assert icon["type"] == "image/svg+xml" and data.lstrip().startswith((b"<svg", b"<?xml")), icon["src"]
            continue
        width, height = (int(n) for n in icon["sizes"].split("x"))
        with Image.open(io.BytesIO(data)) as image:
            assert image.format == "PNG", icon["src"]
            assert image.size == (width, height), f"{icon['src']} is {image.size}, declared {icon['sizes']}"


def test_the_apple_touch_icon_in_the_html_is_served(server: str):
    status, headers, data = fetch(server + "/icons/apple-touch-icon.png")
    assert status == 200 and headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(data)) as image:
        assert image.size[0] == image.size[1] >= 180  # iOS home-screen size
