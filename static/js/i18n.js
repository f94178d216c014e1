// Words of the meeting pages, Thai first, English second; Thai dates in the Buddhist Era.
//
// The chosen language is remembered in localStorage ("emeeting.lang"). Elements that carry
// data-i18n="key" get their textContent from the dictionary; a "langchange" event is sent on
// `document` when the language changes so that scripts can redraw what they built themselves.

const STORAGE_KEY = "emeeting.lang";
export const LANGS = ["th", "en"];

const WORDS = {
  // connection
  "conn.connecting": ["กำลังเชื่อมต่อ", "Connecting"],
  "conn.reconnecting": ["กำลังเชื่อมต่อใหม่", "Reconnecting"],
  "conn.live": ["เชื่อมต่อแล้ว", "Live"],
  "conn.offline": ["ออฟไลน์", "Offline"],
  "conn.failed": ["เชื่อมต่อไม่ได้", "Cannot connect"],
  "conn.retry_in": ["ลองใหม่ใน {s} วินาที", "retrying in {s} s"],
  // meeting
  "status.scheduled": ["ยังไม่เปิดประชุม", "Not opened yet"],
  "status.open": ["กำลังประชุม", "In session"],
  "status.closed": ["ปิดประชุมแล้ว", "Closed"],
  "meeting.number": ["ครั้งที่ {n}/{y}", "No. {n}/{y}"],
  "meeting.when": ["{date} เวลา {time}", "{date}, {time}"],
  "agenda": ["ระเบียบวาระการประชุม", "Agenda"],
  "agenda.item": ["ระเบียบวาระที่ {n}", "Item {n}"],
  "agenda.none": ["ยังไม่เริ่มวาระการประชุม", "No agenda item yet"],
  "role.chair": ["ประธานการประชุม", "Chair"],
  "role.secretary": ["เลขานุการ", "Secretary"],
  "role.member": ["กรรมการ", "Member"],
  "role.guest": ["ผู้เข้าร่วมประชุม", "Guest"],
  "lang.switch": ["English", "ภาษาไทย"],
  // pages and documents
  "page.of": ["หน้า {p}/{n}", "Page {p}/{n}"],
  "page.preparing": ["กำลังเตรียมหน้า {p}", "Preparing page {p}"],
  "page.failed": ["ไม่สามารถแสดงหน้านี้ได้", "This page cannot be displayed"],
  "page.nofile": ["เอกสารนี้ไม่มีภาพหน้า", "This document has no page images"],
  "page.removed": ["เอกสารนี้ถูกนำออกแล้ว", "This document has been removed"],
  "page.error": ["โหลดหน้าไม่สำเร็จ กำลังลองใหม่", "Could not load the page, retrying"],
  "page.offline": ["ออฟไลน์ · หน้านี้ยังไม่ได้เก็บไว้ในเครื่อง จะแสดงเมื่อเชื่อมต่อได้อีกครั้ง", "Offline · this page is not stored on this tablet yet; it shows when the network is back"],
  "render.progress": ["กำลังเตรียมเอกสาร {r}/{n} หน้า", "Preparing document: {r}/{n} pages"],
  "docs": ["เอกสาร", "Documents"],
  "docs.none": ["ไม่มีเอกสารในวาระนี้", "No documents for this item"],
  "docs.all": ["เอกสารทั้งหมด", "All documents"],
  "docs.pages": ["{n} หน้า", "{n} pages"],
  "docs.other": ["เอกสารอื่น", "Other documents"],
  "pages": ["หน้าเอกสาร", "Pages"],
  // tablet
  "tablet.waiting": ["รอผู้นำเสนอแสดงเอกสาร", "Waiting for the presenter to show a document"],
  "tablet.back": ["กลับไปหน้าที่ผู้นำเสนอ", "Back to the presenter"],
  "tablet.back_page": ["กลับไปหน้าที่ผู้นำเสนอ (หน้า {p})", "Back to the presenter (page {p})"],
  "tablet.browsing": ["คุณกำลังเปิดดูเอง", "You are browsing on your own"],
  "tablet.following": ["ตามผู้นำเสนอ", "Following the presenter"],
  "tablet.browse": ["เปิดดูเอกสาร", "Browse documents"],
  "tablet.close": ["ปิด", "Close"],
  "tablet.prev": ["หน้าก่อน", "Previous page"],
  "tablet.next": ["หน้าถัดไป", "Next page"],
  "tablet.closed": ["การประชุมปิดแล้ว", "The meeting is closed"],
  // chair
  "chair.open": ["เปิดประชุม", "Open the meeting"],
  "chair.close": ["ปิดประชุม", "Close the meeting"],
  "chair.close_confirm": ["ยืนยันการปิดประชุม? เมื่อปิดแล้วจะเปิดอีกไม่ได้", "Close the meeting? A closed meeting cannot be reopened."],
  "chair.prev": ["ก่อนหน้า", "Previous"],
  "chair.next": ["ถัดไป", "Next"],
  "chair.nothing_shown": ["ยังไม่ได้แสดงเอกสาร เลือกเอกสารจากวาระทางซ้าย", "No page is shown. Pick a document from the agenda."],
  "chair.not_open": ["เปิดประชุมก่อนจึงจะแสดงเอกสารได้", "Open the meeting to show documents"],
  "chair.not_open_sec": ["รอประธานเปิดประชุม", "Waiting for the chair to open the meeting"],
  "chair.keys": ["← → หรือ PageUp/PageDown เพื่อเปลี่ยนหน้า", "← → or PageUp/PageDown to turn pages"],
  "chair.sending": ["กำลังส่ง…", "Sending…"],
  "chair.show": ["แสดง", "Show"],
  "upload": ["อัปโหลดเอกสาร", "Upload a document"],
  "upload.to": ["ไปยังวาระ", "To item"],
  "upload.title": ["ชื่อเอกสาร (ไม่บังคับ)", "Title (optional)"],
  "upload.choose": ["เลือกไฟล์ PDF, PNG หรือ JPEG", "Choose a PDF, PNG or JPEG file"],
  "upload.sending": ["กำลังอัปโหลด {name} {pct}%", "Uploading {name} {pct}%"],
  "upload.checking": ["กำลังตรวจสอบไฟล์ {name}", "Checking {name}"],
  "upload.rendering": ["กำลังเตรียมหน้า {r}/{n}", "Rendering pages {r}/{n}"],
  "upload.done": ["อัปโหลดแล้ว: {name} ({n} หน้า)", "Uploaded: {name} ({n} pages)"],
  "upload.failed": ["อัปโหลดไม่สำเร็จ: {msg}", "Upload failed: {msg}"],
  "upload.cancel": ["ยกเลิก", "Cancel"],
  "presence": ["ผู้เข้าร่วม", "Connected"],
  "presence.pending": ["เซิร์ฟเวอร์ยังไม่ได้ส่งข้อมูลผู้เชื่อมต่อ", "The server has not sent who is connected yet"],
  "presence.count": ["เชื่อมต่อ {c} จาก {n} คน", "{c} of {n} connected"],
  "presence.devices": ["{d} เครื่อง", "{d} devices"],
  // errors shown to people
  "err.forbidden": ["คุณไม่มีสิทธิ์ทำรายการนี้", "You are not allowed to do this"],
  "err.meeting_not_open": ["ยังไม่ได้เปิดประชุม", "The meeting has not been opened"],
  "err.meeting_already_open": ["เปิดประชุมแล้ว", "The meeting is already open"],
  "err.meeting_closed": ["ปิดประชุมแล้ว", "The meeting is closed"],
  "err.unknown_agenda_item": ["ไม่พบวาระนี้", "No such agenda item"],
  "err.unknown_document": ["ไม่พบเอกสารนี้", "No such document"],
  "err.page_out_of_range": ["ไม่มีหน้านี้ในเอกสาร", "The document has no such page"],
  "err.invalid_token": ["ลิงก์คำเชิญไม่ถูกต้อง โปรดขอลิงก์ใหม่จากเลขานุการ", "This invitation link is not valid. Ask the secretary for a new link."],
  "err.token_revoked": ["คำเชิญนี้ถูกยกเลิกแล้ว โปรดขอลิงก์ใหม่จากเลขานุการ", "This invitation has been revoked. Ask the secretary for a new link."],
  "err.protocol": ["โปรแกรมนี้เก่ากว่าเซิร์ฟเวอร์ โปรดโหลดหน้าใหม่", "This page is older than the server. Please reload it."],
  "err.outdated": ["เซิร์ฟเวอร์ส่งข้อมูลแบบใหม่ โปรดโหลดหน้าใหม่เมื่อสะดวก", "The server sent something new. Reload the page when convenient."],
  "err.generic": ["เกิดข้อผิดพลาด ({code})", "Something went wrong ({code})"],
  "err.superseded": ["ยกเลิกคำสั่งเดิมแล้ว", "Replaced by a newer command"],
  "err.network": ["เครือข่ายขัดข้อง", "Network error"],
};

const TH_MONTHS = ["มกราคม", "กุมภาพันธ์", "มีนาคม", "เมษายน", "พฤษภาคม", "มิถุนายน",
  "กรกฎาคม", "สิงหาคม", "กันยายน", "ตุลาคม", "พฤศจิกายน", "ธันวาคม"];
const TH_WEEKDAYS = ["อาทิตย์", "จันทร์", "อังคาร", "พุธ", "พฤหัสบดี", "ศุกร์", "เสาร์"];
const EN_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
  "September", "October", "November", "December"];
const EN_WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];

function readStored() {
  try {
    const value = localStorage.getItem(STORAGE_KEY);
    return LANGS.includes(value) ? value : null;
  } catch {
    return null; // storage disabled (private mode): Thai
  }
}

let current = readStored() || "th";

export function lang() {
  return current;
}

export function setLang(value) {
  if (!LANGS.includes(value) || value === current) return;
  current = value;
  try {
    localStorage.setItem(STORAGE_KEY, value);
  } catch {
    /* not remembered: still switched for this page */
  }
  document.documentElement.lang = value;
  applyI18n(document);
  document.dispatchEvent(new CustomEvent("langchange", { detail: { lang: value } }));
}

export function toggleLang() {
  setLang(current === "th" ? "en" : "th");
}

/** The text for `key` in the current language, with {name} placeholders filled from `params`. */
export function t(key, params = {}) {
  const entry = WORDS[key];
  let text = entry ? entry[current === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(params)) {
    text = text.split(`{${name}}`).join(String(value));
  }
  return text;
}

/** Whether a key exists (used to fall back for error codes the page has no words for). */
export function has(key) {
  return Object.prototype.hasOwnProperty.call(WORDS, key);
}

/** Fill every [data-i18n] element under `root`; data-i18n-title / -aria fill those attributes. */
export function applyI18n(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-title]")) el.title = t(el.dataset.i18nTitle);
  for (const el of root.querySelectorAll("[data-i18n-aria]")) el.setAttribute("aria-label", t(el.dataset.i18nAria));
}

function parseIsoDate(iso) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso));
  if (!m) return null;
  // UTC so that the weekday never depends on the device's time zone.
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth(), day: d.getUTCDate(), weekday: d.getUTCDay() };
}

/** "2024-01-15" -> "วันจันทร์ที่ 15 มกราคม พ.ศ. 2567" (Thai) or "Monday 15 January 2024". */
export function formatDate(iso, { weekday = true, language = current } = {}) {
  const d = parseIsoDate(iso);
  if (!d) return String(iso);
  if (language === "en") {
    const text = `${d.day} ${EN_MONTHS[d.month]} ${d.year}`;
    return weekday ? `${EN_WEEKDAYS[d.weekday]} ${text}` : text;
  }
  const text = `${d.day} ${TH_MONTHS[d.month]} พ.ศ. ${d.year + 543}`;
  return weekday ? `วัน${TH_WEEKDAYS[d.weekday]}ที่ ${text}` : text;
}

/** "09:00" -> "09.00 น." (Thai) or "09:00". */
export function formatTime(hhmm, { language = current } = {}) {
  const m = /^(\d{1,2}):(\d{2})/.exec(String(hhmm));
  if (!m) return String(hhmm);
  const hh = m[1].padStart(2, "0");
  return language === "en" ? `${hh}:${m[2]}` : `${hh}.${m[2]} น.`;
}

/** A Date (or ms since the epoch) as the time of day, "14.05 น." / "14:05", local time. */
export function formatClock(value, { language = current } = {}) {
  const d = value instanceof Date ? value : new Date(value);
  const hh = String(d.getHours()).padStart(2, "0");
  const mm = String(d.getMinutes()).padStart(2, "0");
  return language === "en" ? `${hh}:${mm}` : `${hh}.${mm} น.`;
}

/** How an agenda item's number is written: "ระเบียบวาระที่ 4" for a top item, "4.1" below. */
export function agendaLabel(item) {
  if (!item) return "";
  return item.number.includes(".") ? item.number : t("agenda.item", { n: item.number });
}

/** Words for a protocol error code, falling back to a generic sentence with the code. */
export function errorText(code, message) {
  if (has(`err.${code}`)) return t(`err.${code}`);
  return message && current === "en" ? `${message} (${code})` : t("err.generic", { code });
}

document.documentElement.lang = current;
