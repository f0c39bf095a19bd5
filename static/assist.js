// KetaCheck: what keyboard, screen-reader and switch users need that Streamlit's widgets do not give
// by themselves. Served from our own origin (no inline scripts under the Content-Security-Policy).
//
//  - the start page's choices: a named radiogroup or group, each a radio or checkbox with its
//    checked state, one tab stop per radiogroup (the question's answers have these of their own:
//    ketacheck/ui/assets/question.js); arrow keys between the answers of either;
//  - focus: on arriving at a page it moves to the page's heading (so the first Tab lands on the
//    page's first control, not on the chrome above it); after a rerun that redraws the control in
//    use, it goes back to that control; the next question (or the emergency panel) comes into view
//    below the sticky quick exit;
//  - announcements: the question number, the emergency panel, "answers cleared" and the reconnect
//    message, through live regions that exist from the start (so they are read out);
//  - names: each page's title, the progress bar, the page links, and each chart (one image named
//    by its title and described by its text, instead of plotly's unlabelled drawings).
(function () {
  "use strict";
  var APP = "KetaCheck";
  // This page's words, in its language (ketacheck/web/script_words.py writes the table in).
  var WORDS = __WORDS__;
  function word(key) { return (WORDS[document.documentElement.lang] || WORDS.en)[key]; }

  // ------------------------------------------------------------------ geometry

  // The sticky part of the page (the quick exit): whatever we bring into view lands below it.
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
  function keyOf(element) {
    // The question's element puts focus back on its own controls (assets/question.js).
    if (element && element.closest && element.closest(".kc-question")) { return null; }
    var box = element && element.closest && element.closest('[class*="st-key-"]');
    var match = box && box.className.match(/\bst-key-(\S+)/);
    return match ? match[1] : null;
  }

  // ------------------------------------------------------------------ live regions

  var status = null;
  var alarm = null;
  function liveRegions() {
    if (status) { return; }
    status = document.createElement("div");
    status.className = "kc-live";
    status.setAttribute("role", "status");
    alarm = document.createElement("div");
    alarm.className = "kc-live";
    alarm.setAttribute("role", "alert");
    document.body.appendChild(status);
    document.body.appendChild(alarm);
  }
  // `text` may be a function, read when it is said: the words may still be arriving.
  function say(region, text, delay) {
    liveRegions();
    region.textContent = "";
    // A moment later, so the same words said twice are read twice.
    window.setTimeout(function () { region.textContent = typeof text === "function" ? text() : text; }, delay || 60);
  }
  var announced = typeof WeakSet === "function" ? new WeakSet() : null;
  function announceNew(selector) {
    Array.prototype.forEach.call(document.querySelectorAll(selector), function (element) {
      if (!announced || announced.has(element)) { return; }
      announced.add(element);
      var text = element.textContent.replace(/\s+/g, " ").trim();
      if (text) { say(status, text); }
    });
  }

  // ------------------------------------------------------------------ answers

  function enhanceAnswers() {
    var groups = document.querySelectorAll('[class*="st-key-answers_one"], [class*="st-key-answers_many"]');
    var question = document.querySelector(".kc-question h1");
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

  // ------------------------------------------------------------------ names and tab stops

  var ourTitle = null;
  var streamlitTitle = null;
  function names() {
    // <main> is a tab stop in Streamlit (for its skip link, hidden here: nothing comes before the
    // quick exit to skip); out of the Tab order it still takes focus from a script.
    var main = document.querySelector('[data-testid="stMain"]');
    if (main && main.getAttribute("tabindex") !== "-1") { main.setAttribute("tabindex", "-1"); }
    var links = document.querySelector(".st-key-page_links");
    if (links && links.getAttribute("role") !== "navigation") { links.setAttribute("role", "navigation"); }
    if (links && links.getAttribute("aria-label") !== word("pages")) { links.setAttribute("aria-label", word("pages")); }
    // The page links are markdown links (chrome.page_links): the one in bold is this page; a tap
    // stays in this tab (see the click listener below), not the new tab markdown links open.
    Array.prototype.forEach.call(document.querySelectorAll(".st-key-page_links a"), function (a) {
      if (a.hasAttribute("target")) { a.removeAttribute("target"); }
      var here = a.parentElement.tagName === "STRONG";
      if (here && a.getAttribute("aria-current") !== "page") { a.setAttribute("aria-current", "page"); }
      if (!here && a.hasAttribute("aria-current")) { a.removeAttribute("aria-current"); }
    });
    // The question's progress bar (assets/question.js says the words on screen as its value) is
    // named in the page's language.
    var words = document.querySelector(".kc-question .kc-progress-text");
    var bar = document.querySelector('.kc-question [role="progressbar"]');
    var text = words ? words.textContent.trim() : "";
    if (bar && bar.getAttribute("aria-label") !== word("progress")) { bar.setAttribute("aria-label", word("progress")); }
    // The tab says which question: "Core check: question 3 of 15 — KetaCheck". Other pages keep
    // the title Streamlit gives them from their st.Page titles ("Result — KetaCheck").
    if (document.title !== ourTitle) { streamlitTitle = document.title; }
    var onCheck = /\/check$/.test(window.location.pathname);
    ourTitle = text && onCheck ? text + " — " + APP : null;
    var title = ourTitle || streamlitTitle;
    if (title && document.title !== title) { document.title = title; }
    // Charts: one image named by its title and described by its text, not plotly's drawings (nor
    // the hidden drawing plotly keeps for measuring text).
    var tester = document.getElementById("js-plotly-tester");
    if (tester && tester.getAttribute("aria-hidden") !== "true") { tester.setAttribute("aria-hidden", "true"); }
    Array.prototype.forEach.call(document.querySelectorAll('[class*="st-key-figure_"]'), function (figure) {
      var drawing = figure.querySelector('[data-testid="stPlotlyChart"]');
      var parts = figure.querySelectorAll('[data-testid="stMarkdownContainer"], [data-testid="stCaptionContainer"]');
      if (!drawing || parts.length < 2) { return; }
      var caption = parts[parts.length - 1];
      if (!caption.id) { caption.id = "kc-chart-text-" + Math.random().toString(36).slice(2); }
      var name = parts[0].textContent.trim();
      if (drawing.getAttribute("role") !== "img") { drawing.setAttribute("role", "img"); }
      if (drawing.getAttribute("aria-label") !== name) { drawing.setAttribute("aria-label", name); }
      if (drawing.getAttribute("aria-describedby") !== caption.id) { drawing.setAttribute("aria-describedby", caption.id); }
      Array.prototype.forEach.call(drawing.children, function (child) {
        if (child.getAttribute("aria-hidden") !== "true") { child.setAttribute("aria-hidden", "true"); }
      });
    });
  }

  // ------------------------------------------------------------------ focus

  // Streamlit keeps the scroll position across reruns and across pages. What must come into view
  // anyway: the emergency panel the moment a red flag is answered (it is drawn at the top of the
  // page), and the next question after an answer (its progress line and any section intro
  // included), with focus on the question so keyboard and screen-reader users follow.
  var hadPanel = false;
  var panelPath = null;  // the page where the panel was last brought into view
  var panelShownAt = 0;
  var lastQuestion = null;
  var lastProgress = null;
  var settleUntil = 0;
  var path = window.location.pathname;
  var arriving = false;  // a page change whose heading has not taken focus yet
  var lastFocused = null;
  var lastFocusedKey = null;
  document.addEventListener("focusin", function (event) {
    lastFocused = event.target;
    lastFocusedKey = keyOf(event.target);
  });
  // Until the person scrolls or moves on themselves: then the page is theirs.
  ["wheel", "touchstart", "keydown", "pointerdown"].forEach(function (name) {
    window.addEventListener(name, function () { settleUntil = 0; }, { passive: true, capture: true });
  });

  function scriptDone() {
    var app = document.querySelector('[data-testid="stApp"]');
    return !app || app.getAttribute("data-test-script-state") !== "running";
  }
  function nothingFocused() {
    return !document.activeElement || document.activeElement === document.body;
  }
  // After a rerun redrew the control in use (a chosen answer turns into another kind of button),
  // focus would fall to <body>: put it back on the control with the same key.
  function restoreFocus() {
    if (!nothingFocused() || !lastFocused || lastFocused.isConnected || !lastFocusedKey) { return; }
    var box = document.querySelector(".st-key-" + CSS.escape(lastFocusedKey));
    var control = box && box.querySelector("button, a, input, summary");
    if (control && control.checkVisibility()) { control.focus({ preventScroll: true }); }
  }

  function followLanguage() {
    // The app puts the session's language in a CSS custom property (chrome.html_lang_css).
    var lang = window.getComputedStyle(document.documentElement).getPropertyValue("--kc-lang").trim().replace(/"/g, "");
    if (lang && document.documentElement.lang !== lang) { document.documentElement.lang = lang; }
    // An installed app takes its name and description from the manifest in the page's language.
    var manifest = document.querySelector('link[rel="manifest"]');
    if (manifest && manifest.getAttribute("href") !== word("manifest")) { manifest.setAttribute("href", word("manifest")); }
  }

  // The page on screen, which the link row marks in bold (chrome.page_links). After a tap on a
  // link the address is the new page's at once, while the old page stays drawn until the new
  // page's run sends its own row. Taking the old page for the new one gave focus to its heading,
  // which then vanished, and the new page's heading never got it.
  function shownPath() {
    var here = document.querySelector('.st-key-page_links strong > a[href]');
    return here ? new URL(here.href).pathname : window.location.pathname;
  }

  function onChange() {
    pending = false;
    followLanguage();
    liveRegions();
    enhanceAnswers();
    var shown = shownPath();
    if (shown !== path) {
      path = shown;
      arriving = true;
      lastQuestion = null;
    }
    var panel = document.querySelector(".st-key-emergency_panel");
    if (panel && !hadPanel) {
      hadPanel = true;
      panelPath = path;
      panelShownAt = Date.now();
      settleUntil = 0;
      bringIntoView(panel);
      var heading = panel.querySelector("h1, h2, h3");
      say(alarm, function () {  // "Get help now. Call 999: Emergency services"
        var title = panel.querySelector("h1, h2, h3");
        var first = panel.querySelector("a, button");
        return [title && title.textContent, first && first.textContent].filter(Boolean).join(". ");
      }, 300);
      if (heading) { focusHeading(heading); }
      arriving = false;
      names();
      return;
    }
    hadPanel = !!panel;
    // Another page with the panel on it (the result after a red flag): it opens at the panel, not
    // where the check page was scrolled to when later questions came into view below it. Once
    // per page; on the check page the question, placed below, still comes into view after it.
    if (panel && panelPath !== path) {
      panelPath = path;
      bringIntoView(panel);
    }
    // Arriving, a question left over from the page before (stale until the run ends) is not this
    // page's. (Between two questions the element is stale too, and it is the same page.)
    var block = document.querySelector(".kc-question");
    if (arriving && block && block.closest('[data-stale="true"]')) { block = null; }
    var question = block && block.querySelector("h1");
    var text = question ? question.textContent : null;
    if (text && text !== lastQuestion) {
      var moved = lastQuestion !== null || arriving;
      lastQuestion = text;
      arriving = false;
      // Right after the panel appears, the panel stays in view (the next question is below it).
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
    // "Core check: question 3 of 15", read out whenever it changes.
    var progress = block && block.querySelector(".kc-progress-text");
    var where = progress ? progress.textContent.trim() : null;
    if (where && where !== lastProgress) { say(status, where); }
    lastProgress = where;
    var main = document.querySelector('[data-testid="stMain"]');
    if (arriving && !text && scriptDone() && main) {
      // Another page: its heading takes focus, so the first Tab lands on its first control.
      var h1 = main.querySelector("h1");
      if (h1) {
        arriving = false;
        focusHeading(h1);
      }
    }
    restoreFocus();
    announceNew('[data-testid="stToast"], [class*="st-key-announce"]');
    names();
  }

  // ------------------------------------------------------------------ page links

  // A tap on a page link changes page in this session, as the browser's Back and Forward do in
  // Streamlit: the address changes and Streamlit hears it (popstate). A tap meant for a new tab
  // (a modifier key, the middle button) is left to the browser.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".st-key-page_links a[href]");
    if (!link || event.defaultPrevented || event.button !== 0
        || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) { return; }
    var url = new URL(link.href);
    if (url.origin !== window.location.origin) { return; }
    event.preventDefault();
    if (url.pathname !== window.location.pathname) { window.history.pushState(null, "", url.pathname); }
    window.dispatchEvent(new PopStateEvent("popstate"));
  });

  var pending = false;
  function start() {
    liveRegions();
    new MutationObserver(function () {
      if (!pending) { pending = true; window.requestAnimationFrame(onChange); }
    }).observe(document.documentElement, {
      childList: true, subtree: true, characterData: true, attributes: true,
      attributeFilter: ["data-testid", "data-test-script-state"],
    });
  }
  if (document.body) { start(); } else { document.addEventListener("DOMContentLoaded", start); }
})();
