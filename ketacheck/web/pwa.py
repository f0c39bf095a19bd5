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

from ketacheck import loader, translations
from ketacheck.loader import Content
from ketacheck.web import html_shell, offline_page, script_words

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


def manifest(content: Content) -> dict:
    _ = content.ui.gettext
    return {
        "id": "/",  # one app whatever its language: installing in Spanish and in English is one install
        "name": _("KetaCheck: a private check on ketamine use"),
        "short_name": html_shell.NAME,
        "description": _(html_shell.DESCRIPTION),
        "lang": content.language,
        "dir": "ltr",
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
    contents = loader.in_every_language(content.directory)
    names = {lang: translations.LANGUAGE_NAMES.get(lang, lang) for lang in contents}
    offline = {offline_page.path(lang): offline_page.render(c, names).encode("utf-8") for lang, c in contents.items()}
    manifests = {script_words.manifest_path(lang): json.dumps(manifest(c), indent=2, ensure_ascii=False).encode("utf-8")
                 for lang, c in contents.items()}
    words = script_words.table(contents)
    pwa_js = ((STATIC / "pwa.js").read_text(encoding="utf-8").replace("__QUICK_EXIT_URL__", QUICK_EXIT_URL)
              .replace("__WORDS__", words))
    assist_js = (STATIC / "assist.js").read_text(encoding="utf-8").replace("__WORDS__", words).encode("utf-8")
    css = (STATIC / "kc.css").read_bytes()
    chrome_css = (STATIC / "chrome.css").read_bytes()
    icons = {name: (STATIC / "icons" / name).read_bytes() for name in ICONS}
    # The worker's version changes whenever anything it caches changes, so old caches are dropped.
    version = hashlib.sha256(b"".join([*offline.values(), pwa_js.encode(), assist_js, css, *manifests.values(),
                                       *icons.values()])).hexdigest()[:12]
    sw_js = (STATIC / "sw.js").read_text(encoding="utf-8").replace("__VERSION__", version)
    sw_js = sw_js.replace("__OFFLINE__", json.dumps({lang: offline_page.path(lang) for lang in contents}))
    sw_js = sw_js.replace("__MANIFESTS__", json.dumps({lang: script_words.manifest_path(lang) for lang in contents}))

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
        *(Route(path, fixed(body, "application/manifest+json")) for path, body in manifests.items()),
        Route("/sw.js", fixed(sw_js, "text/javascript", {"cache-control": "no-cache", "service-worker-allowed": "/"})),
        Route("/pwa.js", fixed(pwa_js, "text/javascript")),
        Route("/assist.js", fixed(assist_js, "text/javascript")),
        Route("/kc.css", fixed(css, "text/css")),
        Route("/chrome.css", fixed(chrome_css, "text/css")),
        *(Route(path, fixed(body, "text/html; charset=utf-8")) for path, body in offline.items()),
        Route("/robots.txt", fixed(ROBOTS, "text/plain; charset=utf-8")),
        Route(LEAVE_PATH, leave, methods=["POST"]),
        Route("/icons/{name}", icon),
    ]
