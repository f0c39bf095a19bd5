"""PWA routes: the web app manifest, service worker, its helper scripts (/pwa.js, /assist.js), the
offline help card, icons and robots.txt. Everything is read or rendered once, at server start."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ketacheck.loader import Content
from ketacheck.web import html_shell, offline_page

STATIC = Path(__file__).resolve().parent.parent.parent / "static"
# GOV.UK's Exit-this-page pattern sends people to a neutral, busy site.
QUICK_EXIT_URL = "https://www.bbc.co.uk/weather"
LEAVE_PATH = "/leave"
ICONS = {
    "icon.svg": "image/svg+xml",
    "icon-192.png": "image/png",
    "icon-512.png": "image/png",
    "icon-maskable-512.png": "image/png",
    "apple-touch-icon.png": "image/png",
    "favicon-32.png": "image/png",
}
NO_CACHE = {"cache-control": "no-cache"}
ROBOTS = "User-agent: *\nDisallow: /_stcore/\nAllow: /\n"


def manifest() -> dict:
    return {
        "id": "/",
        "name": "KetaCheck: a private check on ketamine use",
        "short_name": html_shell.NAME,
        "description": html_shell.DESCRIPTION,
        "lang": html_shell.LANG,
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "theme_color": html_shell.THEME_COLOR,
        "background_color": "#FFFFFF",
        "categories": ["health", "medical"],
        "icons": [
            {"src": "/icons/icon-192.png", "sizes": "192x192", "type": "image/png", "purpose": "any"},
            {"src": "/icons/icon-512.png", "sizes": "512x512", "type": "image/png", "purpose": "any"},
            {"src": "/icons/icon-maskable-512.png", "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
            {"src": "/icons/icon.svg", "sizes": "any", "type": "image/svg+xml", "purpose": "any"},
        ],
    }


def routes(content: Content) -> list[Route]:
    offline = offline_page.render(content).encode("utf-8")
    pwa_js = (STATIC / "pwa.js").read_text(encoding="utf-8").replace("__QUICK_EXIT_URL__", QUICK_EXIT_URL)
    assist_js = (STATIC / "assist.js").read_bytes()
    css = (STATIC / "kc.css").read_bytes()
    icons = {name: (STATIC / "icons" / name).read_bytes() for name in ICONS}
    manifest_json = json.dumps(manifest(), indent=2).encode("utf-8")
    # The worker's version changes whenever anything it caches changes, so old caches are dropped.
    version = hashlib.sha256(b"".join([offline, pwa_js.encode(), assist_js, css, manifest_json, *icons.values()])).hexdigest()[:12]
    sw_js = (STATIC / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", version)

    def fixed(body: bytes | str, media_type: str, headers: dict[str, str] | None = None):
        async def endpoint(request: Request) -> Response:
            return Response(body, media_type=media_type, headers=headers or NO_CACHE)

        return endpoint

    async def leave(request: Request) -> Response:
        """The quick exit's last request: the browser forgets everything this site set, the
        cookies scripts cannot reach too (HAProxy's HttpOnly `kc_replica`, Streamlit's session). Only
        from this site's own pages: another site must not wipe someone's check."""
        origin = request.headers.get("origin")
        if origin is None or urlsplit(origin).netloc.lower() != request.headers.get("host", "").lower():
            return Response(status_code=403)
        response = Response(status_code=204, headers={"clear-site-data": '"cache", "cookies", "storage"',
                                                      "cache-control": "no-store"})
        for name in request.cookies:  # for browsers without Clear-Site-Data
            response.delete_cookie(name, path="/")
        return response

    async def icon(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in icons:
            return Response("Not found\n", status_code=404, media_type="text/plain")
        return Response(icons[name], media_type=ICONS[name], headers={"cache-control": "public, max-age=86400"})

    return [
        Route("/app.webmanifest", fixed(manifest_json, "application/manifest+json")),
        Route("/sw.js", fixed(sw_js, "text/javascript", {"cache-control": "no-cache", "service-worker-allowed": "/"})),
        Route("/pwa.js", fixed(pwa_js, "text/javascript")),
        Route("/assist.js", fixed(assist_js, "text/javascript")),
        Route("/kc.css", fixed(css, "text/css")),
        Route("/offline.html", fixed(offline, "text/html; charset=utf-8")),
        Route("/robots.txt", fixed(ROBOTS, "text/plain; charset=utf-8")),
        Route(LEAVE_PATH, leave, methods=["POST"]),
        Route("/icons/{name}", icon),
    ]
