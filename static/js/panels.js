// The chair's laptop: hide the side panels (the agenda and uploads on the left, votes and who
// is connected on the right) so that the page fills the screen, with a button and the F key.
// The choice is remembered on this device (localStorage "emeeting.chair.panels") and announced
// to screen readers through a polite live region. With the panels hidden the page is shown as
// wide as the screen and scrolls within its frame when it is taller (a portrait page on a
// landscape laptop); the page turns, the thumbnails and the tablets are unchanged.

import { t } from "./i18n.js";

const STORAGE_KEY = "emeeting.chair.panels";

function remembered() {
  try {
    return localStorage.getItem(STORAGE_KEY) === "hidden";
  } catch {
    return false; // storage refused (private mode): start with the panels shown
  }
}

function remember(hidden) {
  try {
    localStorage.setItem(STORAGE_KEY, hidden ? "hidden" : "shown");
  } catch {
    // not remembered on this device; the page still works
  }
}

/**
 * @param {HTMLElement} app      the page's grid (.chair-app), which gets the class "collapsed"
 * @param {HTMLButtonElement} button  the toggle (aria-pressed: true while the panels are hidden)
 * @param {HTMLElement} status   a polite live region that says what happened
 * @param {() => void} onchange  called after the layout changed (the page is drawn again)
 */
export function mountPanels({ app, button, status, onchange = () => {} }) {
  let hidden = remembered();

  function apply(announce) {
    app.classList.toggle("collapsed", hidden);
    button.setAttribute("aria-pressed", String(hidden));
    if (announce) status.textContent = t(hidden ? "panels.hidden" : "panels.shown");
    onchange();
  }

  function toggle() {
    hidden = !hidden;
    remember(hidden);
    apply(true);
  }

  button.addEventListener("click", toggle);
  document.addEventListener("keydown", (e) => {
    if (e.altKey || e.ctrlKey || e.metaKey || e.repeat) return;
    if (e.key !== "f" && e.key !== "F") return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable], dialog")) return;
    e.preventDefault();
    toggle();
  });
  apply(false);
  return { get hidden() { return hidden; }, toggle };
}
