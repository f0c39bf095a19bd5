// KetaCheck: a copy of this person's check in their own tab (sessionStorage: this tab only, gone
// when the tab closes, never sent anywhere unless the app asks for it back). The app sends the
// check on every run; after a server restart, a lost replica or a reload, the new session is empty
// and this gives the kept copy back, once. "Clear", "Finish and clear" and the quick exit wipe it.
const KEY = "ketacheck.check";

// After the connection comes back, Streamlit reruns the page only if the last run was a fragment;
// otherwise the old screen stays up over a new, empty session until the next tap. Offering the
// copy back as soon as the connection returns makes the new session run and restore at once (a
// session that survived, after a mere network blip, ignores it: it is not fresh).
let offer = null;
let wasDown = false;

function watchConnection() {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.dataset.kcWatched) return;
  app.dataset.kcWatched = "1";
  new MutationObserver(() => {
    const state = app.getAttribute("data-test-connection-state");
    if (state && state !== "CONNECTED") {
      wasDown = true;
    } else if (state === "CONNECTED" && wasDown) {
      wasDown = false;
      if (offer) offer();
    }
  }).observe(app, { attributes: true, attributeFilter: ["data-test-connection-state"] });
}

function kept() {
  try {
    return window.sessionStorage.getItem(KEY);
  } catch (e) {
    return null; // storage blocked: the check still works, it just cannot survive a restart
  }
}

// The app sends its data as JSON bytes (cheaper for the server than a dict: tab_copy.py, _mount).
function decoded(data) {
  if (data instanceof Uint8Array || data instanceof ArrayBuffer) return JSON.parse(new TextDecoder().decode(data));
  return data || {};
}

export default function ({ data: raw, setTriggerValue }) {
  const data = decoded(raw);
  if (data.offer) {
    // Only the page-level instance offers: a trigger from inside a fragment would ask a new
    // session to rerun a fragment it has never heard of, and nothing would happen.
    watchConnection();
    offer = () => {
      const copy = kept();
      // A copy over the limit (a real one is about 2 KB) goes only as far as the limit: enough for
      // the app to refuse it and say so, never a message so large the server closes the connection.
      if (copy) setTriggerValue("restore", copy.length > data.max ? copy.slice(0, data.max + 1) : copy);
      // A page that waits for the copy (the check, opened from the first screen) hears that there is none.
      else if (data.report && data.fresh) setTriggerValue("none", true);
    };
  }
  try {
    if (data.forget) {
      window.sessionStorage.removeItem(KEY);
      return;
    }
    if (data.check) {
      window.sessionStorage.setItem(KEY, JSON.stringify(data.check));
      return;
    }
  } catch (e) {
    return;
  }
  if (data.offer && data.fresh) offer();
}
