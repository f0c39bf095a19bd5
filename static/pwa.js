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
