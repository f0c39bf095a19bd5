// KetaCheck service worker: a fast repeat visit, and a help card when the network is gone.
// - Navigations: network first; offline, the emergency and crisis numbers page.
// - Streamlit's hashed bundles (/static/...): cache first (their names change when they do).
// - Our own small files: served from cache, refreshed in the background.
// - Never touched: other origins, /_stcore/ (health, websocket), and anything not GET.
"use strict";
const VERSION = "__VERSION__";
const CACHE = "ketacheck-" + VERSION;
// Each language's offline card and manifest ({"en": "/offline.html", "es": "/offline.es.html", ...}).
const OFFLINE = __OFFLINE__;
const MANIFESTS = __MANIFESTS__;
// Only what the offline cards and the shell need: the PNG icons (55 KB) are fetched by the browser
// when it installs the app, and precaching them cost every first visit those bytes.
const PRECACHE = [...Object.values(OFFLINE), ...Object.values(MANIFESTS), "/pwa.js", "/kc.css", "/icons/icon.svg"];

// The card in the browser's language, as the server's first guess does (ketacheck/ui/i18n.py):
// Spanish for es-*, Traditional Chinese for Hong Kong, Taiwan, Macau or Hant, Simplified for
// mainland China, Singapore, Malaysia or Hans; otherwise English, which lists the others.
function offlineCard() {
  for (const tag of self.navigator.languages || []) {
    const parts = tag.toLowerCase().split(/[-_]/);
    if (parts[0] === "es" && OFFLINE.es) { return OFFLINE.es; }
    if (parts[0] === "zh" || parts[0] === "yue") {
      if (parts.some((p) => ["hk", "tw", "mo", "hant"].includes(p)) && OFFLINE["zh-Hant"]) { return OFFLINE["zh-Hant"]; }
      if (parts.some((p) => ["cn", "sg", "my", "hans"].includes(p)) && OFFLINE["zh-Hans"]) { return OFFLINE["zh-Hans"]; }
    }
    if (parts[0] === "en") { break; }
  }
  return OFFLINE.en;
}

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((k) => k.startsWith("ketacheck-") && k !== CACHE).map((k) => caches.delete(k))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin || url.pathname.startsWith("/_stcore/")) {
    return;
  }
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(offlineCard())));
    return;
  }
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) { cache.put(request, response.clone()); }
        return response;
      })))
    );
    return;
  }
  if (PRECACHE.includes(url.pathname)) {
    event.respondWith(
      caches.open(CACHE).then((cache) => cache.match(request).then((hit) => {
        const refresh = fetch(request).then((response) => {
          if (response.ok) { cache.put(request, response.clone()); }
          return response;
        }).catch(() => hit);
        return hit || refresh;
      }))
    );
  }
});
