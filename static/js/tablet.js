// The attendee's tablet: the presenter's page full screen, following the chair; browsing on
// one's own (swipe, thumbnails, documents), pinch zoom, and a way back to the presenter.

import { FATAL_JOIN, MeetingClient } from "./client.js";
import { Gestures } from "./gestures.js";
import { mountInk } from "./ink_tools.js";
import { mountMinutes } from "./tablet_minutes.js";
import { mountVoting } from "./tablet_votes.js";
import { inkedEarlier, mountVersionNote } from "./versions.js";
import { quorumBadge } from "./votes.js";
import { agendaLabel, applyI18n, errorText, shown, t } from "./i18n.js";
import { forgetHiddenImages, forgetImages, ImagePrefetcher, registerServiceWorker } from "./offline.js";
import {
  bootData, connectionBadge, fill, h, langButton, meetingCard, PageView, progressBar, scheduler, ThumbStrip, toast,
} from "./ui.js";

const boot = bootData();
const client = new MeetingClient({ meeting: boot.meeting, member: boot.member }); // the cookie says who: no token here
// Page images are kept on the tablet as they are delivered (static/js/sw.js), so that pages
// already seen or prefetched keep showing, and browsing them works, while the network is gone.
registerServiceWorker();
forgetHiddenImages(client, boot.meeting);

// What this tablet shows: the presenter's page (following) or a page of its own choosing.
let following = true;
let own = null; // {document, page} while browsing
let drawerOpen = false;
let drawerItem = null; // the agenda item whose documents the drawer lists (null: current)

// -- the layout -------------------------------------------------------------------------------
const $ = (id) => document.getElementById(id);
const itemNum = $("item-num");
const itemTitle = $("item-title");
const viewer = $("viewer");
const pageLabel = $("page-label");
const docLabel = $("doc-label");
const renderChip = $("render-chip");
const renderText = h("span");
const renderBar = progressBar("small");
renderChip.append(renderText, renderBar);

$("conn-slot").replaceWith(connectionBadge(client));
$("lang-slot").replaceWith(langButton());
$("quorum-slot").replaceWith(quorumBadge(client));
mountVoting(client, { layer: $("vote-layer"), menuButton: $("menu-button"), menu: $("member-menu") });
mountMinutes(client, { button: $("minutes-button"), dialog: $("minutes-dialog") });

const view = new PageView(client, { prefetch: 2 });
// The other pages of the documents in use, two at a time, the page on screen first.
const prefetcher = new ImagePrefetcher(client, { concurrency: 2, busy: () => view.loading });
const gestures = new Gestures(view.el, view.pan, { onSwipe: (dir) => turn(dir) });
const ink = mountInk(client, view, {
  where: () => currentView(), toggle: $("ink-toggle"), bar: $("ink-bar"), dialog: $("note-dialog"),
  meeting: boot.meeting, member: boot.member,
});
const waiting = h("div", { class: "waiting" });
const versionNote = mountVersionNote(client, ink.mine, $("version-note"), (id) => pick(id, 1));
viewer.append(view.el, waiting);

const backButton = $("back");
backButton.addEventListener("click", () => follow());
$("prev").addEventListener("click", () => turn(-1));
$("next").addEventListener("click", () => turn(+1));
$("browse").addEventListener("click", () => setDrawer(!drawerOpen));
$("drawer-close").addEventListener("click", () => setDrawer(false));
$("drawer-scrim").addEventListener("click", () => setDrawer(false));

const drawerDocs = $("drawer-docs");
const drawerItems = $("drawer-items");
const strip = new ThumbStrip(client, { onPick: (page) => pick(currentView()?.document, page, true) });
$("drawer-thumbs").replaceWith(strip.el);

document.addEventListener("keydown", (e) => {
  if (e.target.closest("input, textarea, select")) return;
  if (e.key === "ArrowRight" || e.key === "PageDown") { turn(+1); e.preventDefault(); }
  else if (e.key === "ArrowLeft" || e.key === "PageUp") { turn(-1); e.preventDefault(); }
  else if (e.key === "Escape") { if (drawerOpen) setDrawer(false); else follow(); }
});

// -- what is shown ----------------------------------------------------------------------------

function presenterPage() {
  const s = client.state;
  return s && s.current_page ? s.current_page : null;
}

function currentView() {
  return following ? presenterPage() : own;
}

function same(a, b) {
  return !!a && !!b && a.document === b.document && a.page === b.page;
}

function follow() {
  following = true;
  own = null;
  gestures.reset(true);
  draw();
}

/** Show `page` of `docId` on this tablet only (does not move anyone else's screen). */
function pick(docId, page, closeDrawer = false) {
  const doc = client.doc(docId);
  if (!doc) return;
  const target = { document: doc.id, page: Math.max(1, Math.min(doc.pages, page)) };
  if (same(target, presenterPage())) follow();
  else {
    following = false;
    own = target;
  }
  gestures.reset();
  if (closeDrawer) setDrawer(false);
  draw();
}

function turn(dir) {
  const at = currentView();
  if (!at) return;
  const doc = client.doc(at.document);
  if (!doc) return;
  const page = at.page + dir;
  if (page < 1 || page > doc.pages) {
    view.el.classList.remove("bump");
    void view.el.offsetWidth; // restart the "no more pages" animation
    view.el.classList.add("bump");
    return;
  }
  pick(doc.id, page);
}

function setDrawer(open) {
  drawerOpen = open;
  document.body.classList.toggle("drawer-open", open);
  $("drawer").hidden = !open;
  $("drawer-scrim").hidden = !open;
  $("browse").setAttribute("aria-expanded", String(open));
  if (open) drawerItem = null;
  draw();
}

// -- drawing ----------------------------------------------------------------------------------

const draw = scheduler(render);

function render() {
  const state = client.state;
  if (!state) return;
  const item = state.current_item ? client.item(state.current_item) : null;
  itemNum.textContent = item ? agendaLabel(item) : t(`status.${state.status}`);
  itemTitle.textContent = shown(item ? item.title : state.info.title);
  document.title = `${item ? agendaLabel(item) + " · " : ""}${shown(state.info.title)}`;

  // A browsed document that was removed: back to the presenter.
  if (!following && own && !client.doc(own.document)) follow();
  const at = currentView();
  const doc = at ? client.doc(at.document) : null;
  const presenter = presenterPage();

  if (doc) {
    waiting.hidden = true;
    view.el.hidden = false;
    view.show(doc, at.page);
    pageLabel.textContent = t("page.of", { p: at.page, n: doc.pages });
    docLabel.textContent = shown(doc.title);
    $("prev").disabled = at.page <= 1;
    $("next").disabled = at.page >= doc.pages;
  } else {
    view.clear();
    view.el.hidden = true;
    waiting.hidden = false;
    fill(waiting, meetingCard(state),
      h("p", { class: "waiting-note", text: waitingNote(state) }));
    pageLabel.textContent = "";
    docLabel.textContent = waitingNote(state);
    $("prev").disabled = true;
    $("next").disabled = true;
  }

  // Following or not: the way back.
  backButton.hidden = following;
  document.body.classList.toggle("browsing", !following);
  backButton.textContent = presenter ? t("tablet.back_page", { p: presenter.page }) : t("tablet.back");
  $("mode").textContent = following ? t("tablet.following") : t("tablet.browsing");

  // Rendering progress: the document on screen first, else any document of the current item.
  const busy = [doc, ...client.documentsOf(state.current_item)].find((d) => d && MeetingClient.progress(d));
  const progress = busy ? MeetingClient.progress(busy) : null;
  renderChip.hidden = !progress;
  if (progress) {
    renderText.textContent = t("render.progress", { r: progress.ready, n: progress.pages });
    renderChip.title = shown(busy.title);
    renderBar.set(progress.ready / progress.pages);
  }

  versionNote(doc);
  if (drawerOpen) renderDrawer(state, doc, at, presenter);
  ink.refresh();

  // Deliver what may be needed offline, as it becomes ready: the document on screen (from its
  // page on), the presenter's, then the other documents of the current agenda item.
  prefetcher.set([
    { doc, around: at ? at.page : null },
    { doc: presenter ? client.doc(presenter.document) : null, around: presenter ? presenter.page : null },
    ...client.documentsOf(state.current_item).map((d) => ({ doc: d, around: null })),
  ]);
}

function renderDrawer(state, doc, at, presenter) {
  // Which item's documents: the one chosen in the drawer, else the viewed document's, else current.
  const itemId = drawerItem || (doc ? doc.item : null) || state.current_item;
  const withDocs = state.agenda.filter((i) => client.documentsOf(i.id).length);
  fill(drawerItems, ...withDocs.map((i) => h("button", {
    type: "button",
    class: `chip${i.id === itemId ? " active" : ""}${i.id === state.current_item ? " current" : ""}`,
    title: i.title,
    onclick: () => { drawerItem = i.id; draw(); },
  }, agendaLabel(i))));
  const docs = client.documentsOf(itemId);
  const heading = client.item(itemId);
  fill(drawerDocs,
    heading ? h("p", { class: "drawer-item-title", text: `${agendaLabel(heading)} ${heading.title}` }) : null,
    docs.length ? null : h("p", { class: "muted", text: t("docs.none") }),
    ...docs.flatMap((d) => [d, ...inkedEarlier(client, ink.mine, d)]).map((d) => {
      const p = MeetingClient.progress(d);
      const bar = p ? progressBar("small") : null;
      if (bar) bar.set(p.ready / p.pages);
      if (d.superseded_by != null) { // an earlier version, listed for the member's ink on it
        return h("button", {
          type: "button", class: `doc-row earlier${doc && d.id === doc.id ? " active" : ""}`,
          dataset: { testid: "earlier-version" }, onclick: () => pick(d.id, 1),
        }, h("span", { class: "doc-title", text: t("version.old_row", { v: d.version || 1 }) }));
      }
      return h("button", {
        type: "button",
        class: `doc-row${doc && d.id === doc.id ? " active" : ""}${presenter && presenter.document === d.id ? " on-screen" : ""}`,
        onclick: () => pick(d.id, presenter && presenter.document === d.id ? presenter.page : 1),
      },
      h("span", { class: "doc-title", text: d.title }),
      h("span", { class: "doc-meta", text: p ? t("render.progress", { r: p.ready, n: p.pages }) : t("docs.pages", { n: d.pages }) }),
      bar);
    }));
  strip.render(doc, {
    active: at ? at.page : null,
    presenter: presenter && doc && presenter.document === doc.id ? presenter.page : null,
  });
}

// -- the client -------------------------------------------------------------------------------

client.addEventListener("state", draw);
client.addEventListener("event", (e) => {
  // The presenter moved: a tablet that follows has it at once (draw), and zoom is reset.
  if (e.detail.event.type === "page_shown" && following) gestures.reset();
});
client.addEventListener("fatal", (e) => {
  prefetcher.stop();
  // A revoked (or unknown) link: the papers of this meeting are not kept on the device.
  if ([...FATAL_JOIN, "identity_changed"].includes(e.detail.code)) forgetImages(boot.meeting);
  fill(waiting, h("div", { class: "fatal" }, h("p", { text: errorText(e.detail.code) })));
  waiting.hidden = false;
  view.el.hidden = true;
});
client.addEventListener("outdated", () => toast(t("err.outdated"), "warn", 8000));
client.addEventListener("error", (e) => {
  if (e.detail.id) toast(errorText(e.detail.code, e.detail.message), "error");
});
document.addEventListener("langchange", () => { applyI18n(document); draw(); });
window.addEventListener("resize", () => { gestures.reset(); });

applyI18n(document);
client.start();
// For tests and debugging in the console (not a public API).
window.emeeting = { client, view, gestures, prefetcher, ink, get following() { return following; } };

/** What a tablet with no page on screen says: closed, cancelled, or waiting for the chair. */
function waitingNote(state) {
  if (state.status === "closed") return t("tablet.closed");
  return state.status === "cancelled" ? t("status.cancelled") : t("tablet.waiting");
}
