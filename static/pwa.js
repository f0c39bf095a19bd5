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

  var leaving = false;
  function leave() {
    leaving = true;
    // Hide the page at once (slow connections), then replace it so Back does not return here.
    document.documentElement.style.visibility = "hidden";
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    window.location.replace(EXIT_URL);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest(".st-key-quick_exit")) {
      // Let Streamlit send the click first: its handler clears the answers on the server.
      leaving = true;
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
  function onChange() {
    pending = false;
    enhanceAnswers();
    var panel = document.querySelector(".st-key-emergency_panel");
    if (panel && !hadPanel) {
      hadPanel = true;
      panelShownAt = Date.now();
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
        if (moved) { focusHeading(question); }
      }
    } else if (!text) {
      lastQuestion = null;
    }
  }
  new MutationObserver(function () {
    if (!pending) { pending = true; window.requestAnimationFrame(onChange); }
  }).observe(document.documentElement, { childList: true, subtree: true, attributes: true,
                                         attributeFilter: ["data-testid"] });

  // A reload (or pull-to-refresh) starts a new session, and answers live only in the old one:
  // warn first. "Clear my answers" is drawn only while there are answers to lose.
  window.addEventListener("beforeunload", function (event) {
    if (leaving || !document.querySelector(".st-key-clear_answers")) { return; }
    event.preventDefault();
    event.returnValue = "";
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
