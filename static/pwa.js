// KetaCheck: registers the service worker and wires the quick exit (the button, or Shift three times).
// Served from our own origin so the Content-Security-Policy needs no inline scripts.
(function () {
  "use strict";
  var EXIT_URL = "__QUICK_EXIT_URL__";

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
    // And the offline copies the service worker keeps (their names are the app's pages).
    var done = [];
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
    if (target && target.closest && target.closest(".st-key-quick_exit")) {
      // Let Streamlit send the click first: its handler clears the answers on the server.
      document.documentElement.style.visibility = "hidden";
      window.setTimeout(leave, 60);
    }
  }, true);

  // The sticky part of the page (Streamlit's header and the quick exit): whatever we bring into
  // view must land below it, not under it.
  function stickyBottom() {
    var exit = document.querySelector(".st-key-quick_exit");
    return exit ? Math.max(0, exit.getBoundingClientRect().bottom) : 0;
  }
  // Streamlit scrolls an inner container, not the window: move the element's own scroller.
  function scroller(element) {
    for (var node = element.parentElement; node; node = node.parentElement) {
      var style = window.getComputedStyle(node);
      if (/(auto|scroll)/.test(style.overflowY) && node.scrollHeight > node.clientHeight) { return node; }
    }
    return document.scrollingElement || document.documentElement;
  }
  function bringIntoView(element) {
    var box = scroller(element);
    var shift = element.getBoundingClientRect().top - stickyBottom() - 8;
    box.scrollTop = Math.max(0, box.scrollTop + shift);
  }
  function focusHeading(heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }

  // Answers are buttons (one tap answers); give each group the semantics of what it is: a named
  // radiogroup of radios, or a group of checkboxes, with the chosen ones checked and arrow keys
  // between them. The chosen state comes from Streamlit's primary button style.
  function enhanceAnswers() {
    var groups = document.querySelectorAll('[class*="st-key-answers_one"], [class*="st-key-answers_many"]');
    var question = document.querySelector(".st-key-question h1");
    if (question && !question.id) { question.id = "kc-question"; }
    Array.prototype.forEach.call(groups, function (group) {
      var many = group.className.indexOf("st-key-answers_many") !== -1;
      group.setAttribute("role", many ? "group" : "radiogroup");
      // A start-page choice is named by the heading above it (a caption may sit in between).
      var heading = null;
      var start = group;
      for (var up = 0; up < 3 && start && !start.previousElementSibling; up++) { start = start.parentElement; }
      for (var node = start && start.previousElementSibling; node && !heading; node = node.previousElementSibling) {
        heading = node.querySelector("h1, h2");
      }
      var label = group.className.indexOf("st-key-answers_one_") !== -1 && heading ? heading : question;
      if (label) {
        if (!label.id) { label.id = "kc-label-" + Math.random().toString(36).slice(2); }
        group.setAttribute("aria-labelledby", label.id);
      }
      var buttons = group.querySelectorAll("button");
      var checkedIndex = -1;
      Array.prototype.forEach.call(buttons, function (button, index) {
        var checked = button.getAttribute("data-testid") === "stBaseButton-primary";
        button.setAttribute("role", many ? "checkbox" : "radio");
        if (button.getAttribute("aria-checked") !== String(checked)) {
          button.setAttribute("aria-checked", String(checked));
        }
        if (checked && checkedIndex === -1) { checkedIndex = index; }
      });
      if (!many) {  // one tab stop for a radiogroup: the chosen answer, or the first
        Array.prototype.forEach.call(buttons, function (button, index) {
          var stop = index === (checkedIndex === -1 ? 0 : checkedIndex) ? "0" : "-1";
          if (button.getAttribute("tabindex") !== stop) { button.setAttribute("tabindex", stop); }
        });
      }
    });
  }
  document.addEventListener("keydown", function (event) {
    var button = event.target && event.target.closest && event.target.closest('[role="radio"], [role="checkbox"]');
    var group = button && button.closest('[role="radiogroup"], [role="group"]');
    if (!group) { return; }
    var keys = { ArrowDown: 1, ArrowRight: 1, ArrowUp: -1, ArrowLeft: -1, Home: "first", End: "last" };
    if (!(event.key in keys)) { return; }
    var buttons = Array.prototype.slice.call(group.querySelectorAll('[role="radio"], [role="checkbox"]'));
    var index = buttons.indexOf(button);
    var move = keys[event.key];
    var next = move === "first" ? 0 : move === "last" ? buttons.length - 1 : (index + move + buttons.length) % buttons.length;
    event.preventDefault();
    // Arrows move focus; Space or Enter chooses (choosing a single answer moves on to the next question).
    buttons[next].focus();
  });

  // Streamlit keeps the scroll position across reruns. Two things must come into view anyway:
  // the emergency panel the moment a red flag is answered (it is drawn at the top of the page), and
  // the next question after an answer (its progress line and any section intro included), with
  // focus on the question so keyboard and screen-reader users follow.
  var hadPanel = false;
  var panelShownAt = 0;
  var lastQuestion = null;
  var pending = false;
  // A file the uploader refuses in the browser (over server.maxUploadSize) never reaches the app,
  // so the summary of the file before it would stay on screen under the new file's name: hide it.
  function hideStaleImport() {
    var uploader = document.querySelector(".st-key-import_file");
    var summary = document.querySelector(".st-key-imported");
    if (uploader && summary && /or smaller\.|are not allowed\./.test(uploader.textContent)) {
      summary.style.display = "none";
    }
  }

  function onChange() {
    pending = false;
    enhanceAnswers();
    hideStaleImport();
    var panel = document.querySelector(".st-key-emergency_panel");
    if (panel && !hadPanel) {
      hadPanel = true;
      panelShownAt = Date.now();
      settleUntil = 0;
      bringIntoView(panel);
      var alarm = panel.querySelector("h1, h2, h3");
      if (alarm) { focusHeading(alarm); }
      return;
    }
    hadPanel = !!panel;
    var block = document.querySelector(".st-key-question");
    var question = block && block.querySelector("h1");
    var text = question ? question.textContent : null;
    if (text && text !== lastQuestion) {
      var moved = lastQuestion !== null;
      lastQuestion = text;
      // Right after the panel appears, the panel stays in view (the next question is below it).
      // Arriving from another page keeps that page's scroll, so the first question comes into view
      // too (without taking focus from where the page put it).
      if (Date.now() - panelShownAt > 3000) {
        bringIntoView(block);
        settleUntil = Date.now() + 1500;
        if (moved) { focusHeading(question); }
      }
    } else if (!text) {
      lastQuestion = null;
    } else if (block && Date.now() < settleUntil
               && Math.abs(block.getBoundingClientRect().top - stickyBottom() - 8) > 4) {
      // The previous page's elements leave after the new ones arrive, moving the question up
      // or down after it was placed: place it again while the page settles.
      bringIntoView(block);
    }
  }
  // Until the person scrolls themselves: then the page is theirs.
  var settleUntil = 0;
  ["wheel", "touchstart", "keydown"].forEach(function (name) {
    window.addEventListener(name, function () { settleUntil = 0; }, { passive: true, capture: true });
  });
  new MutationObserver(function () {
    if (!pending) { pending = true; window.requestAnimationFrame(onChange); }
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                         attributeFilter: ["data-testid"] });

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
    title.textContent = "Connection lost: trying to reconnect.";
    var kept = document.createElement("p");
    kept.textContent = "Your answers are kept in this tab and come back when the connection does.";
    banner.appendChild(title);
    banner.appendChild(kept);
    var numbers = document.createElement("p");
    Array.prototype.forEach.call(document.querySelectorAll('[data-testid="stMain"] a[href^="tel:"]'), function (a) {
      if (numbers.querySelector('a[href="' + a.getAttribute("href") + '"]')) { return; }
      var link = document.createElement("a");
      link.href = a.getAttribute("href");
      link.textContent = "Call " + a.textContent.trim();
      numbers.appendChild(link);
    });
    var card = document.createElement("a");
    card.href = "/offline.html";
    card.textContent = "Emergency and crisis numbers (works offline)";
    numbers.appendChild(card);
    banner.appendChild(numbers);
    var exit = document.createElement("button");
    exit.type = "button";
    exit.className = "kc-offline-exit";
    exit.textContent = "Leave this site quickly";
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
