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

  function leave() {
    // Hide the page at once (slow connections), then replace it so Back does not return here.
    document.documentElement.style.visibility = "hidden";
    try { window.sessionStorage.clear(); } catch (e) { /* storage may be blocked */ }
    window.location.replace(EXIT_URL);
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (target && target.closest && target.closest(".st-key-quick_exit")) {
      // Let Streamlit send the click first: its handler clears the answers on the server.
      document.documentElement.style.visibility = "hidden";
      window.setTimeout(leave, 60);
    }
  }, true);

  // Streamlit keeps the scroll position across reruns. Two things must come into view anyway:
  // the emergency panel the moment a red flag is answered (it is drawn at the top of the page), and
  // the next question after an answer, with focus on it so keyboard and screen-reader users follow.
  var hadPanel = false;
  var panelShownAt = 0;
  var lastQuestion = null;
  function focusHeading(heading) {
    heading.setAttribute("tabindex", "-1");
    heading.focus({ preventScroll: true });
  }
  new MutationObserver(function () {
    var panel = document.querySelector(".st-key-emergency_panel");
    if (panel && !hadPanel) {
      hadPanel = true;
      panelShownAt = Date.now();
      panel.scrollIntoView({ block: "start" });
      var alarm = panel.querySelector("h1, h2, h3");
      if (alarm) { focusHeading(alarm); }
      return;
    }
    hadPanel = !!panel;
    var question = document.querySelector(".st-key-question h1");
    var text = question ? question.textContent : null;
    if (text && text !== lastQuestion) {
      var moved = lastQuestion !== null;
      lastQuestion = text;
      // Right after the panel appears, the panel stays in view (the next question is below it).
      if (moved && Date.now() - panelShownAt > 3000) {
        question.scrollIntoView({ block: "start" });
        focusHeading(question);
      }
    }
  }).observe(document.documentElement, { childList: true, subtree: true });

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
