// KetaCheck: registers the service worker and wires the quick exit (the button, or Shift three times).
// Served from our own origin so the Content-Security-Policy needs no inline scripts.
(function () {
  "use strict";
  var EXIT_URL = "__QUICK_EXIT_URL__";
  // This page's words, in its language (ketacheck/web/script_words.py writes the table in).
  var WORDS = __WORDS__;
  function word(key) { return (WORDS[document.documentElement.lang] || WORDS.en)[key]; }

  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () {
      navigator.serviceWorker.register("/sw.js", { scope: "/" }).catch(function () {});
    });
  }

  // Moving between KetaCheck's pages replaces the history entry instead of adding one, so the
  // whole visit is a single entry, and leaving (which replaces that entry too) leaves nothing in
  // this tab's history that Back can reach. (The check has its own Back button.)
  var replaceState = window.history.replaceState.bind(window.history);
  window.history.pushState = function (state, title, url) { replaceState(state, title, url); };

  var leaving = false;  // set once: a second Shift press or click changes nothing
  function forget() {
    // Everything this origin keeps in the browser: the tab's copy of the check, Streamlit's
    // per-page theme keys (which name the pages visited), the cookies scripts can see.
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    try { window.localStorage.clear(); } catch (e) { /* likewise */ }
    document.cookie.split(";").forEach(function (cookie) {
      var name = cookie.split("=")[0].trim();
      if (name) { document.cookie = name + "=; Max-Age=0; path=/; SameSite=Strict"; }
    });
    // And the offline copies the service worker keeps (their names are the app's pages), and what
    // scripts cannot reach: the server answers /leave with Clear-Site-Data (HttpOnly cookies too,
    // such as the load balancer's kc_replica).
    var done = [];
    if (window.fetch) {
      done.push(window.fetch("/leave", { method: "POST", credentials: "same-origin", cache: "no-store" })
        .catch(function () {}));
    }
    if (window.caches) {
      done.push(window.caches.keys().then(function (names) {
        return Promise.all(names.map(function (name) { return window.caches.delete(name); }));
      }));
    }
    if (navigator.serviceWorker && navigator.serviceWorker.getRegistrations) {
      done.push(navigator.serviceWorker.getRegistrations().then(function (registrations) {
        return Promise.all(registrations.map(function (r) { return r.unregister(); }));
      }));
    }
    return Promise.all(done).catch(function () {});
  }
  function leave() {
    if (leaving) { return; }
    leaving = true;
    // Hide the page at once (slow connections), forget what the browser holds, then replace the
    // page so Back does not return here (at most 400 ms even if the clearing hangs).
    document.documentElement.style.visibility = "hidden";
    var go = function () { window.location.replace(EXIT_URL); };
    Promise.race([forget(), new Promise(function (resolve) { window.setTimeout(resolve, 400); })]).then(go, go);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest("[data-kc-leave]")) {
      // The first screen's quick exit (a plain link there, for when scripts are off): no app to tell.
      event.preventDefault();
      leave();
      return;
    }
    if (target && target.closest && target.closest(".st-key-quick_exit")) {
      // Let Streamlit send the click first: its handler clears the answers on the server.
      document.documentElement.style.visibility = "hidden";
      window.setTimeout(leave, 60);
    }
  }, true);

  // The uploader lists its files oldest first, and keeps a file it refused in the browser (over
  // server.maxUploadSize: "File must be 4.0MB or smaller.") as a chip marked aria-invalid that never
  // reaches the app. When the newest file is a refused one, the summary on screen is of the file
  // before it, under the new file's name: hide it. When a good file comes after refused ones, their
  // errors are about files no longer in play: remove those chips (as their own Remove button does),
  // and show the summary again (Streamlit reuses its element, hidden or not).
  // (Keyboard, screen-reader and focus behaviour is in /assist.js.)
  function tidyImport() {
    var uploader = document.querySelector(".st-key-import_file");
    var chips = uploader ? uploader.querySelectorAll('[data-testid="stFileChip"]') : [];
    if (!chips.length) { return; }
    var summary = document.querySelector(".st-key-imported");
    if (chips[chips.length - 1].getAttribute("aria-invalid") === "true") {
      if (summary) { summary.style.display = "none"; }
      return;
    }
    for (var i = 0; i < chips.length - 1; i++) {
      var remove = chips[i].getAttribute("aria-invalid") === "true" && chips[i].querySelector("button[aria-label^='Remove ']");
      if (remove) { remove.click(); }
    }
    if (summary && summary.style.display === "none") { summary.style.display = ""; }
  }
  new MutationObserver(tidyImport).observe(document.documentElement, { childList: true, subtree: true });

  // When the server cannot be reached (a restart, a crash, a lost network), Streamlit greys out
  // every control (the quick exit too) and opens a "Connection error" dialog that traps focus.
  // Instead: a banner of our own, outside the app's DOM, with what is happening, the crisis numbers
  // already on the page, the offline help card, and a quick exit that still works. The answers are
  // in this tab (ketacheck/ui/tab_copy.py) and come back with the connection.
  var banner = null;
  function connection() {
    var app = document.querySelector('[data-testid="stApp"]');
    return app ? app.getAttribute("data-test-connection-state") : null;
  }
  function showBanner() {
    if (banner) { return; }
    banner = document.createElement("div");
    banner.className = "kc-offline";
    banner.setAttribute("role", "alert");
    var title = document.createElement("p");
    title.className = "kc-offline-title";
    title.textContent = word("lost");
    var kept = document.createElement("p");
    kept.textContent = word("kept");
    banner.appendChild(title);
    banner.appendChild(kept);
    var numbers = document.createElement("p");
    Array.prototype.forEach.call(document.querySelectorAll('[data-testid="stMain"] a[href^="tel:"]'), function (a) {
      if (numbers.querySelector('a[href="' + a.getAttribute("href") + '"]')) { return; }
      var link = document.createElement("a");
      link.href = a.getAttribute("href");
      link.textContent = word("call").replace("{number}", a.textContent.trim());
      numbers.appendChild(link);
    });
    var card = document.createElement("a");
    card.href = word("offline");
    card.textContent = word("card");
    numbers.appendChild(card);
    banner.appendChild(numbers);
    var exit = document.createElement("button");
    exit.type = "button";
    exit.className = "kc-offline-exit";
    exit.textContent = word("exit");
    exit.addEventListener("click", leave);
    banner.appendChild(exit);
    document.body.appendChild(banner);
  }
  function hideBanner() {
    if (banner) { banner.remove(); banner = null; }
  }
  function dismissConnectionDialog() {
    Array.prototype.forEach.call(document.querySelectorAll('[role="dialog"]'), function (dialog) {
      if (dialog.textContent.indexOf("Connection error") === -1) { return; }
      var close = dialog.querySelector('button[aria-label="Close"]');
      if (close) { close.click(); }
    });
  }
  function watchConnection() {
    var state = connection();
    if (state === "PINGING_SERVER" || state === "DISCONNECTED_FOREVER") {
      showBanner();
      dismissConnectionDialog();
    } else if (state === "CONNECTED") {
      hideBanner();
    }
  }
  new MutationObserver(watchConnection).observe(document.documentElement, {
    childList: true, subtree: true, attributes: true, attributeFilter: ["data-test-connection-state"],
  });

  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    window.clearTimeout(timer);
    timer = window.setTimeout(function () { presses = 0; }, 5000);
    if (presses >= 3) {
      var button = document.querySelector(".st-key-quick_exit button");
      if (button) { button.click(); } else { leave(); }
    }
  });
})();
