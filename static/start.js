// KetaCheck's first screen (/, ketacheck/web/start_page.py): the choices, written into this tab's
// copy of the check (the same sessionStorage copy the app keeps, ketacheck/ui/tab_copy.py), then the
// check itself, whose new session takes the copy back. Served from our own origin (no inline script).
(function () {
  "use strict";
  var KEY = "ketacheck.check";
  var form = document.getElementById("kc-start-form");
  var dataEl = document.getElementById("kc-start-data");
  if (!form || !dataEl) { return; }
  var data = JSON.parse(dataEl.textContent);
  var WORDS = data.words;  // in the page's language (ketacheck/web/start_page.py)
  var start = document.getElementById("kc-start");
  var note = document.getElementById("kc-start-note");
  var region = document.getElementById("kc-region");
  var legend = document.querySelector("#kc-prescribed legend");
  var sex = document.getElementById("kc-sex");
  var READY_NOTE = note.textContent;

  function kept() {
    try {
      var copy = JSON.parse(window.sessionStorage.getItem(KEY));
      return copy && typeof copy === "object" && copy.content === data.version ? copy : null;
    } catch (e) {
      return null;  // storage blocked, or not a copy: nothing to take back
    }
  }
  function input(name, value) {
    return form.querySelector('input[name="' + name + '"][value="' + value + '"]');
  }
  function checked(name) {
    var el = form.querySelector('input[name="' + name + '"]:checked');
    return el ? el.value : null;
  }
  function hasAnswers(copy) {
    return !!(copy && copy.answers && typeof copy.answers === "object" && Object.keys(copy.answers).length);
  }

  // Back on this page in the same tab (a reload, the offline card's "Try KetaCheck again"): what was
  // chosen is chosen again, and Start continues the check instead of beginning a new one.
  var copy = kept();
  if (copy) {
    [["audience", copy.audience], ["prescribed", String(copy.prescribed)], ["sex", copy.sex]].forEach(function (pair) {
      var el = input(pair[0], pair[1]);
      if (el) { el.checked = true; }
    });
    if (region.querySelector('option[value="' + copy.region + '"]')) { region.value = copy.region; }
  }

  function update() {
    var audience = checked("audience");
    var dontKnow = data.dontKnow.indexOf(audience) !== -1;
    Array.prototype.forEach.call(form.querySelectorAll("[data-for]"), function (label) {
      label.hidden = !dontKnow;
      var radio = label.querySelector("input");
      if (!dontKnow && radio.checked) { radio.checked = false; }  // only a loved one may not know: ask again
    });
    sex.hidden = !(audience === "self" || audience === "intake");
    legend.textContent = audience === "other" ? WORDS.prescribed_other : WORDS.prescribed;
    Array.prototype.forEach.call(document.querySelectorAll("[data-region]"), function (block) {
      block.hidden = block.getAttribute("data-region") !== region.value;
    });
    var prescribed = checked("prescribed");
    if (audience && prescribed) {
      var length = data.lengths[audience + ":" + (prescribed === "true")];
      start.removeAttribute("aria-disabled");
      if (hasAnswers(kept())) {
        start.textContent = WORDS["continue"];
        note.textContent = WORDS.kept;
      } else if (audience === "intake") {
        start.textContent = WORDS.modules;
        note.textContent = WORDS.modules_note.replace("{length}", length);
      } else {
        start.textContent = WORDS.start_length.replace("{length}", length);
        note.textContent = WORDS.core_note.replace("{length}", length);
      }
    } else {
      start.textContent = WORDS.start;
      start.setAttribute("aria-disabled", "true");
      note.textContent = READY_NOTE;
    }
  }

  function begin(event) {
    event.preventDefault();
    var audience = checked("audience");
    var chosen = checked("prescribed");
    if (!audience || !chosen) {
      var missing = input(audience ? "prescribed" : "audience", audience ? "false" : "self");
      if (missing) { missing.focus(); }
      note.textContent = READY_NOTE;
      return;
    }
    var prescribed = chosen === "true" ? true : chosen === "false" ? false : chosen;
    var context = audience + ":" + (prescribed === true);
    var old = kept();
    var check = {
      audience: audience, prescribed: prescribed, region: region.value,
      sex: checked("sex") || (old && old.sex) || "unspecified",
      answers: {}, plan: [], modules: data.modules[context], current: null, finished: false, content: data.version,
      language: data.language,
    };
    if (hasAnswers(old)) {
      // As on the app's start page: a new context keeps every answer; it may add questions, so the
      // check is not finished; a new audience starts from its own modules.
      var same = old.audience === audience && old.prescribed === prescribed;
      check.answers = old.answers;
      check.plan = Array.isArray(old.plan) ? old.plan : [];
      check.current = old.current || null;
      check.finished = same && old.finished === true;
      if (old.audience === audience && Array.isArray(old.modules)) { check.modules = old.modules; }
    }
    try {
      window.sessionStorage.setItem(KEY, JSON.stringify(check));
    } catch (e) {
      window.location.replace(data.app);  // storage blocked: choose again on the app's own start page
      return;
    }
    // Replace, not add: the whole visit stays one history entry (see /pwa.js), so after the quick
    // exit Back cannot come back here.
    window.location.replace(audience === "intake" ? data.app : "/check");
  }

  // Streamlit's bundle, fetched into the cache once this page has loaded (not run here), so the
  // check opens quickly after Start; low priority, so it never slows this page down.
  function prefetch() {
    data.prefetch.forEach(function (href) {
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.as = /\.css$/.test(href) ? "style" : "script";
      link.crossOrigin = "anonymous";  // as Streamlit's own <script type=module crossorigin> asks for them
      link.href = href;
      document.head.appendChild(link);
    });
  }
  function afterLoad() { window.setTimeout(prefetch, 0); }
  if (document.readyState === "complete") { afterLoad(); } else { window.addEventListener("load", afterLoad); }

  form.addEventListener("change", update);
  form.addEventListener("submit", function (event) { event.preventDefault(); });  // Enter on a choice
  start.addEventListener("click", begin);
  update();
})();
