// The chair's (and the secretary's) presenter page, for a laptop: the agenda, the page every
// tablet sees, page turns by keyboard or clicker, the documents of each item, uploads, and who
// is connected.

import { AgendaEditor } from "./agenda_editor.js";
import { AttendancePanel } from "./attendance.js";
import { MembersEditor } from "./members_editor.js";
import { isOffice, refusalText, upload } from "./upload.js";
import { mountPresenterInk } from "./chair_ink.js";
import { FATAL_JOIN, MeetingClient } from "./client.js";
import { agendaLabel, applyI18n, errorText, formatDate, formatTime, shown, t } from "./i18n.js";
import { can } from "./offers.js";
import { mountPanels } from "./panels.js";
import { mountPaperDialog } from "./papers.js";
import { step } from "./presenter_nav.js";
import { quorumBadge, VotePanel } from "./votes.js";
import { forgetHiddenImages, forgetImages, registerServiceWorker } from "./offline.js";
import {
  bootData, connectionBadge, fill, h, langButton, PageView, progressBar, scheduler, ThumbStrip, toast,
} from "./ui.js";

const boot = bootData();
const client = new MeetingClient({ meeting: boot.meeting, member: boot.member }); // the cookie says who: no token here
forgetHiddenImages(client, boot.meeting);
registerServiceWorker(); // the pages shown keep showing through a short network drop (sw.js)
const isChair = boot.role === "chair";

const $ = (id) => document.getElementById(id);
$("conn-slot").replaceWith(connectionBadge(client));
$("lang-slot").replaceWith(langButton());
$("quorum-slot").replaceWith(quorumBadge(client));

// Votes in the right-hand column; the attendance record in a dialog.
const votes = new VotePanel(client, { isChair });
$("vote-slot").replaceWith(votes.el);
const attendance = new AttendancePanel(client, { meeting: boot.meeting });
const attendanceDialog = $("attendance-dialog");
$("attendance-body").replaceWith(attendance.el);
$("attendance-open").addEventListener("click", () => { attendance.key = null; attendance.draw(); attendanceDialog.showModal(); });
$("attendance-close").addEventListener("click", () => attendanceDialog.close());

// The agenda editor, in a dialog of its own (agenda_editor.js).
new AgendaEditor(client, { isChair, dialog: $("agenda-editor"), opener: $("agenda-edit-open") });
// The member list editor, in a dialog of its own (members_editor.js).
new MembersEditor(client, { dialog: $("members-editor"), opener: $("members-edit-open"), me: boot.member });

const view = new PageView(client, { prefetch: 3 });
const nothing = h("div", { class: "nothing" });
$("presenter").append(view.el, nothing);
const ink = mountPresenterInk(client, view, { where: () => client.state && client.state.current_page, slot: $("presenter-ink") });
const panels = mountPanels({
  app: document.querySelector(".chair-app"), button: $("panels-toggle"), status: $("panels-status"),
  onchange: () => { view.el.scrollTop = 0; },
});
const strip = new ThumbStrip(client, { onPick: (page) => { const at = target(); if (at) showPage(at.document, page); } });
$("strip").replaceWith(strip.el);

// The page this laptop asked for and that the room has not shown yet (drawn at once, so that a
// presenter's clicks feel immediate; the state changes only through the server's events).
let wanted = null; // {document, page, seq}
const lastPage = new Map(); // document id -> the page last shown of it (to come back to it)
let uploadItemTouched = false;
let shownKey = null; // the page last drawn ("document:page")

// -- commands ---------------------------------------------------------------------------------

function refused(err) {
  if (err && err.code === "superseded") return;
  toast(errorText(err.code, err.message), "error");
}

function target() {
  const s = client.state;
  return wanted || (s && s.current_page) || null;
}

function showPage(docId, page) {
  const s = client.state;
  if (!s) return;
  if (!can(s, "show_page")) return notNow(s);
  const doc = client.doc(docId);
  if (!doc) return;
  const p = Math.max(1, Math.min(doc.pages, page));
  const mine = { document: doc.id, page: p, seq: null };
  wanted = mine;
  draw();
  client.showPage(doc.id, p).then((ack) => {
    mine.seq = ack.seq;
    settleWanted();
  }, (err) => {
    if (wanted === mine) wanted = null;
    draw();
    refused(err);
  });
}

function settleWanted() {
  if (wanted && wanted.seq != null && client.lastSeq != null && client.lastSeq >= wanted.seq) {
    wanted = null;
    draw();
  }
}

/** The page one step forward or back across the whole agenda (presenter_nav.js), or null at its end. */
function stepFrom(dir) {
  const s = client.state;
  if (!s) return null;
  const at = target();
  const doc = at ? client.doc(at.document) : null;
  const agenda = { agenda: s.agenda, documentsOf: (id) => client.documentsOf(id), current: s.current_item };
  const next = step(agenda, at && doc ? at : null, dir);
  if (next || !doc) return next;
  const page = at.page + dir; // a document on no agenda item: its own pages
  return page >= 1 && page <= doc.pages ? { document: doc.id, page } : null;
}

function navigate(dir) {
  const next = stepFrom(dir);
  if (next) showPage(next.document, next.page);
}

/** Why nothing is put on screen now: the meeting is not open yet, or is closed. */
function notNow(s) {
  toast(t(s.status === "closed" ? "status.closed" : isChair ? "chair.not_open" : "chair.not_open_sec"), "warn");
}

function setItem(item) {
  const s = client.state;
  if (!s) return;
  if (!can(s, "set_agenda_item")) return notNow(s);
  client.setAgendaItem(item.id).catch(refused);
}

$("prev").addEventListener("click", () => navigate(-1));
$("next").addEventListener("click", () => navigate(+1));
$("open-meeting").addEventListener("click", () => client.openMeeting().catch(refused));
$("close-meeting").addEventListener("click", () => {
  if (window.confirm(t("chair.close_confirm"))) client.closeMeeting().catch(refused);
});

document.addEventListener("keydown", (e) => {
  if (e.altKey || e.ctrlKey || e.metaKey) return;
  const el = e.target;
  if (el.closest("input, textarea, select, [contenteditable]")) return;
  const onButton = !!el.closest("button, [role=button], summary");
  switch (e.key) {
    case "ArrowRight": case "ArrowDown": case "PageDown":
      navigate(+1); break;
    case "ArrowLeft": case "ArrowUp": case "PageUp":
      navigate(-1); break;
    case " ":
      if (onButton) return; // Space presses the focused button
      navigate(e.shiftKey ? -1 : +1); break;
    case "Backspace":
      navigate(-1); break;
    case "Home": { const at = target(); if (at) showPage(at.document, 1); break; }
    case "End": { const at = target(); const d = at && client.doc(at.document); if (d) showPage(d.id, d.pages); break; }
    default:
      return;
  }
  e.preventDefault();
});

// -- upload -----------------------------------------------------------------------------------

const uploadItem = $("upload-item");
uploadItem.addEventListener("change", () => { uploadItemTouched = true; });
const uploadFile = $("upload-file");
uploadFile.addEventListener("change", () => {
  const file = uploadFile.files && uploadFile.files[0];
  uploadFile.value = "";
  if (!file) return;
  const item = uploadItem.value;
  const title = $("upload-title").value.trim();
  $("upload-title").value = "";
  // Picked with "All files" or dropped on the button: an office file this server cannot convert
  // is refused here at once, with the server's own sentence for it, and never sent.
  if (!boot.office && isOffice(file, officeTypes)) refuseNow(file, title, "office_unavailable");
  else startUpload(file, item, title);
});
const officeTypes = (uploadFile.dataset.officeTypes || "").split(",").filter(Boolean);
// A paper's controls (papers.js); a new version goes through the same upload jobs.
const papers = mountPaperDialog(client, {
  accept: uploadFile.accept,
  onReplace: (file, doc) => {
    if (!boot.office && isOffice(file, officeTypes)) refuseNow(file, doc.title, "office_unavailable");
    else startUpload(file, doc.item, "", doc.id);
  },
});

const jobs = []; // {file, text, bar, el, document, state}

function newJob(file, title, ...extra) {
  const text = h("span", { class: "job-text" });
  const bar = progressBar();
  const el = h("div", { class: "job" }, text, bar, ...extra);
  $("upload-jobs").prepend(el);
  const job = { name: title || file.name, text, bar, el, document: null, phase: "upload", pct: 0 };
  jobs.push(job);
  return job;
}

function failJob(job, err) {
  job.phase = "failed";
  job.err = err; // redrawn in the other language when it changes
  drawJob(job);
  setTimeout(() => { job.el.remove(); jobs.splice(jobs.indexOf(job), 1); }, 12000);
}

function refuseNow(file, title, code) {
  failJob(newJob(file, title), { code, status: 0, retryAfter: null });
}

function startUpload(file, item, title, replaces = null) {
  const cancel = h("button", { class: "btn ghost small", type: "button", text: t("upload.cancel") });
  const job = newJob(file, title, cancel);
  const { promise, abort } = upload(client, file, {
    item,
    title,
    replaces,
    onProgress: (p) => {
      if (p.phase === "upload") { job.pct = p.total ? p.loaded / p.total : 0; job.phase = "upload"; }
      else job.phase = "checking";
      drawJob(job);
    },
  });
  cancel.addEventListener("click", () => abort());
  drawJob(job);
  promise.then((answer) => {
    cancel.remove();
    job.document = answer.document;
    job.name = answer.title;
    job.pages = answer.pages;
    job.phase = "rendering";
    drawJob(job);
  }, (err) => {
    cancel.remove();
    failJob(job, err);
  });
}

function drawJob(job) {
  if (job.phase === "upload") {
    job.text.textContent = t("upload.sending", { name: job.name, pct: Math.round(job.pct * 100) });
    job.bar.set(job.pct);
  } else if (job.phase === "checking") {
    job.text.textContent = t("upload.checking", { name: job.name });
    job.bar.set(1);
    job.bar.classList.add("busy");
  } else if (job.phase === "rendering") {
    job.bar.classList.remove("busy");
    const doc = client.doc(job.document);
    const progress = doc ? MeetingClient.progress(doc) : { ready: 0, pages: job.pages };
    if (doc && !progress) {
      job.phase = "done";
      job.text.textContent = t("upload.done", { name: doc.title, n: doc.pages });
      job.bar.set(1);
      setTimeout(() => { job.el.remove(); jobs.splice(jobs.indexOf(job), 1); }, 8000);
    } else {
      job.text.textContent = `${shown(job.name)} · ${t("upload.rendering", { r: progress.ready, n: progress.pages })}`;
      job.bar.set(progress.ready / progress.pages);
    }
  } else if (job.phase === "failed") {
    // The code's sentence in the page's language, never the server's English words.
    job.text.textContent = t("upload.failed", { msg: refusalText(job.err) });
    job.bar.hidden = true;
  }
  job.el.dataset.phase = job.phase; // after drawing: "rendering" may have become "done"
}

// -- drawing ----------------------------------------------------------------------------------

const draw = scheduler(render);

function render() {
  const s = client.state;
  if (!s) return;
  settleWanted();
  if (s.current_page) lastPage.set(s.current_page.document, s.current_page.page);

  // Header.
  $("meeting-title").textContent = shown(s.info.title);
  $("meeting-sub").textContent = `${t("meeting.number", { n: s.info.number, y: s.info.year })} · ${formatDate(s.info.date)} ${formatTime(s.info.time)}`;
  const badge = $("status-badge");
  badge.textContent = t(`status.${s.status}`);
  badge.className = `badge status-${s.status}`;
  $("open-meeting").hidden = !can(s, "open_meeting");
  $("close-meeting").hidden = !can(s, "close_meeting");
  document.title = `${shown(s.info.title)} · emeeting`;

  renderAgenda(s);
  renderUploadItems(s);
  // With the side panels hidden, an open vote brings its panel back (app.css, panels.js).
  document.querySelector(".chair-app").classList.toggle("vote-open", s.votes.some((v) => v.status === "open"));

  // The page.
  const at = target();
  const doc = at ? client.doc(at.document) : null;
  const canShow = can(s, "show_page");
  if (doc) {
    view.el.hidden = false;
    nothing.hidden = true;
    view.show(doc, at.page);
    if (`${doc.id}:${at.page}` !== shownKey) view.el.scrollTop = 0; // a new page starts at its top
    shownKey = `${doc.id}:${at.page}`;
    $("doc-title").textContent = shown(doc.title);
    $("page-label").textContent = t("page.of", { p: at.page, n: doc.pages });
    view.el.classList.toggle("sending", !!wanted);
  } else {
    view.clear();
    view.el.hidden = true;
    nothing.hidden = false;
    const msg = canShow ? t("chair.nothing_shown") : (s.status === "closed" ? t("status.closed") : t(isChair ? "chair.not_open" : "chair.not_open_sec"));
    fill(nothing, h("p", { text: msg }));
    $("doc-title").textContent = "";
    $("page-label").textContent = "";
  }
  // Disabled only at either end of the agenda's pages (or while nothing may be shown).
  $("prev").disabled = !canShow || !stepFrom(-1);
  $("next").disabled = !canShow || !stepFrom(+1);
  strip.render(doc, { active: at ? at.page : null, presenter: s.current_page && doc && s.current_page.document === doc.id ? s.current_page.page : null });
  strip.el.hidden = !doc;
  ink.refresh();

  for (const job of jobs) if (job.phase === "rendering" || job.phase === "failed") drawJob(job);
  renderPresence(s);
  votes.draw();
  if (attendanceDialog.open) attendance.draw();
  papers.draw();
}

function renderAgenda(s) {
  const shownDoc = target() ? target().document : null;
  const list = $("agenda");
  const rows = [];
  for (const item of s.agenda) {
    const depth = Math.min(item.number.split(".").length - 1, 2);
    const current = item.id === s.current_item;
    const docs = client.documentsOf(item.id);
    const li = h("li", { class: `depth-${depth}${current ? " current" : ""}` },
      h("button", {
        type: "button", class: "item-btn", "aria-current": current ? "step" : null, title: item.title,
        onclick: () => setItem(item),
      }, h("span", { class: "num", text: agendaLabel(item) }), h("span", { class: "title", text: item.title }),
      item.supplementary ? h("span", { class: "badge small", text: t("agenda.edit.supplementary") }) : null));
    if (docs.length) {
      const ul = h("ul", { class: "docs" });
      for (const d of docs) {
        const progress = MeetingClient.progress(d);
        const bar = progress ? progressBar("small") : null;
        if (bar) bar.set(progress.ready / progress.pages);
        ul.append(h("li", {}, h("button", {
          type: "button", class: `doc-btn${d.id === shownDoc ? " shown" : ""}`,
          onclick: () => showPage(d.id, lastPage.get(d.id) || 1),
        },
        h("span", { class: "doc-title", text: d.title }),
        h("span", { class: "doc-meta", text: progress ? t("render.progress", { r: progress.ready, n: progress.pages }) : t("docs.pages", { n: d.pages }) }),
        bar), can(s, "rename_document") ? h("button", {
          type: "button", class: "btn icon small doc-manage", "aria-label": t("paper.manage", { title: d.title }),
          title: t("paper.manage", { title: d.title }), dataset: { testid: "paper-manage" }, onclick: () => papers.open(d.id),
        }, "⋯") : null));
      }
      li.append(ul);
    }
    rows.push(li);
  }
  // Keep the scroll position and the keyboard focus across redraws.
  const focused = document.activeElement && list.contains(document.activeElement)
    ? [...list.querySelectorAll("button")].indexOf(document.activeElement) : -1;
  fill(list, ...rows);
  if (focused >= 0) list.querySelectorAll("button")[focused]?.focus({ preventScroll: true });
}

function renderUploadItems(s) {
  const select = uploadItem;
  const keep = uploadItemTouched ? select.value : (s.current_item || select.value || (s.agenda[0] && s.agenda[0].id));
  if (select.options.length !== s.agenda.length || select.dataset.lang !== document.documentElement.lang) {
    fill(select, ...s.agenda.map((i) => h("option", { value: i.id, text: `${agendaLabel(i)} ${i.title}` })));
    select.dataset.lang = document.documentElement.lang;
  }
  if (keep) select.value = keep;
  const closed = !can(s, "add_document");
  for (const el of [select, $("upload-title"), uploadFile]) el.disabled = closed;
  uploadFile.closest("label").classList.toggle("disabled", closed);
}

function renderPresence(s) {
  const presence = client.presence;
  $("presence-note").hidden = !!presence;
  const members = s.members;
  const online = presence ? members.filter((m) => (presence[m.id] || 0) > 0).length : null;
  $("presence-count").textContent = presence ? `${online}/${members.length}` : "";
  fill($("members"), ...members.map((m) => {
    const devices = presence ? presence[m.id] || 0 : null;
    const state = devices == null ? "unknown" : devices > 0 ? "on" : "off";
    return h("li", { class: `member ${state}`, dataset: { member: m.id } },
      h("span", { class: "dot", "aria-hidden": "true" }),
      h("span", { class: "who" },
        h("span", { class: "name", text: m.name }),
        h("span", { class: "pos", text: [t(`role.${m.role}`), m.position].filter(Boolean).join(" · ") })),
      devices > 1 ? h("span", { class: "devices", text: t("presence.devices", { d: devices }) }) : null);
  }));
}

// -- the client -------------------------------------------------------------------------------

client.addEventListener("state", draw);
client.addEventListener("presence", draw);
client.addEventListener("status", draw);
client.addEventListener("fatal", (e) => {
  if ([...FATAL_JOIN, "identity_changed"].includes(e.detail.code)) forgetImages(boot.meeting);
  view.el.hidden = true;
  nothing.hidden = false;
  fill(nothing, h("p", { class: "fatal", text: errorText(e.detail.code) }));
});
client.addEventListener("outdated", () => toast(t("err.outdated"), "warn", 8000));
document.addEventListener("langchange", () => { applyI18n(document); votes.key = null; attendance.key = null; draw(); });

applyI18n(document);
client.start();
window.emeeting = { client, view, ink, panels };
