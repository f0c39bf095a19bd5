// KetaCheck: the question screen as one element (ketacheck/ui/question_view.py). One element
// instead of a dozen Streamlit widgets made an answer cost the server about what a bare page's
// does (benchmarks/RESULTS.md, issue 23). What Streamlit's buttons and /assist.js gave, it gives
// itself with plain HTML: native buttons (Enter and Space), the answers as a named radiogroup or
// group of radios or checkboxes with their checked state, one tab stop per radiogroup (arrow keys
// between answers: /assist.js), a named progress bar, disabled buttons that say why. /assist.js
// still moves focus to each new question, brings it into view and reads the progress out.
const COPY = "ketacheck.check"; // the tab's copy of the check (the key assets/tab_copy.js uses)

function decoded(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(data));
  return data || {};
}

// The check as it changes, kept in this tab (see assets/tab_copy.js, which gives it back).
function keepCopy(copy) {
  if (!copy) return;
  try {
    if (copy.forget) window.sessionStorage.removeItem(COPY);
    else if (copy.check) window.sessionStorage.setItem(COPY, JSON.stringify(copy.check));
  } catch (e) {
    // storage blocked: the check still works, it just cannot survive a restart
  }
}

function el(tag, attrs, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (value !== null && value !== undefined && value !== false) node.setAttribute(name, value === true ? "" : value);
  }
  if (text) node.textContent = text;
  return node;
}

// Back, Next, "Stop here", Clear: a disabled one says why (its hint, read out with it).
function control(spec, classes, send) {
  const button = el("button", { type: "button", class: classes, "data-key": spec.key, disabled: spec.disabled }, spec.label);
  if (spec.hint) {
    const id = "kc-hint-" + spec.key;
    button.setAttribute("aria-describedby", id);
    button.setAttribute("title", spec.hint);
    button.hint = el("span", { id, class: "kc-hint" }, spec.hint);
  }
  button.addEventListener("click", send);
  return button;
}

export default function ({ data: raw, setTriggerValue, parentElement }) {
  const data = decoded(raw);
  keepCopy(data.copy);
  // The same screen again (a run that changed nothing here): leave it, so a tap under way or the
  // focus is not lost to a redrawn button. The tab's copy is not part of what is shown.
  const shown = JSON.stringify({ ...data, copy: null });
  if (parentElement.kcShown === shown && parentElement.querySelector(":scope > .kc-question")) return;
  parentElement.kcShown = shown;
  const focusedKey = document.activeElement && parentElement.contains(document.activeElement)
    ? document.activeElement.getAttribute("data-key") : null;
  // Each event names the question it was tapped on, so a tap that arrives after the screen moved
  // on (a double tap) changes nothing.
  const send = (event, value) => () => setTriggerValue(event, { item: data.item, value });

  const screen = el("section", { class: "kc-question", "data-item": data.item });
  const progress = el("div", { class: "kc-progress" });
  progress.append(el("p", { class: "kc-progress-text", id: "kc-progress-text" }, data.progress_text));
  const percent = Math.round(100 * data.progress);
  const bar = el("div", { class: "kc-bar", role: "progressbar", "aria-valuemin": "0", "aria-valuemax": "100",
                          "aria-valuenow": String(percent), "aria-valuetext": data.progress_text,
                          "aria-label": data.progress_label });
  const fill = el("div", { class: "kc-bar-fill" });
  fill.style.width = percent + "%"; // through the CSSOM: the Content-Security-Policy refuses style attributes
  bar.append(fill);
  progress.append(bar);
  screen.append(progress);
  if (data.intro) screen.append(el("p", { class: "kc-intro" }, data.intro));
  if (data.caption) screen.append(el("p", { class: "kc-caption" }, data.caption));
  screen.append(el("h1", { id: "kc-question", tabindex: "-1" }, data.title));
  if (data.help) screen.append(el("p", { class: "kc-caption" }, data.help));

  const group = el("div", { class: "kc-answers", role: data.multiple ? "group" : "radiogroup",
                            "aria-labelledby": "kc-question" });
  const chosenIndex = data.options.findIndex((o) => o.chosen);
  data.options.forEach((option, index) => {
    const button = el("button", {
      type: "button", class: "kc-answer" + (option.chosen ? " kc-chosen" : ""), "data-key": option.key,
      role: data.multiple ? "checkbox" : "radio", "aria-checked": String(option.chosen),
      // One tab stop for a radiogroup: the chosen answer, or the first.
      tabindex: data.multiple || index === (chosenIndex === -1 ? 0 : chosenIndex) ? "0" : "-1",
    }, option.label);
    button.addEventListener("click", send(option.toggles ? "toggle" : "answer", option.value));
    group.append(button);
  });
  screen.append(group);

  const nav = el("div", { class: "kc-nav" });
  const hints = [];
  for (const [name, spec] of [["back", data.back], ["next", data.next]]) {
    const button = control(spec, "kc-button" + (spec.primary ? " kc-primary" : ""), send(name, true));
    if (button.hint) hints.push(button.hint);
    nav.append(button);
  }
  screen.append(nav);
  hints.forEach((hint) => screen.append(hint));
  if (data.stop) screen.append(control(data.stop, "kc-tertiary", send("stop", true)));
  if (data.clear) screen.append(control(data.clear, "kc-button kc-clear", send("clear", true)));

  // Beside, not over, what Streamlit put in the element (the link to question.css).
  const before = parentElement.querySelector(":scope > .kc-question");
  if (before) before.replaceWith(screen);
  else parentElement.append(screen);
  // The control in use is drawn anew: focus stays on it (a tick, Back over answered questions).
  if (focusedKey) {
    const again = screen.querySelector(`[data-key="${CSS.escape(focusedKey)}"]`);
    if (again && !again.disabled) again.focus({ preventScroll: true });
  }
}
