// KetaCheck service worker: a fast repeat visit, and a help card when the network is gone.
// - Navigations: network first; offline, the emergency and crisis numbers page.
// - Streamlit's hashed bundles (/static/...): cache first (their names change when they do).
// - Our own small files: served from cache, refreshed in the background.
// - Never touched: other origins, /_stcore/ (health, websocket), and anything not GET.
"use strict";
const VERSION = "__VERSION__";
const CACHE = "ketacheck-" + VERSION;
const OFFLINE = "/offline.html";
// Only what the offline card and the shell need: the PNG icons (55 KB) are fetched by the browser
// when it installs the app, and precaching them cost every first visit those bytes.
const PRECACHE = [OFFLINE, "/app.webmanifest", "/pwa.js", "/kc.css", "/icons/icon.svg"];

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
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE)));
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
