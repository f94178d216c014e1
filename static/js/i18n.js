// Words of the meeting pages, Thai first, English second; Thai dates in the Buddhist Era.
//
// The chosen language is remembered in localStorage ("emeeting.lang"). Elements that carry
// data-i18n="key" get their textContent from the dictionary; a "langchange" event is sent on
// `document` when the language changes so that scripts can redraw what they built themselves.

import { RECORD_WORDS } from "./words_record.js";
import { AGENDA_WORDS } from "./words_agenda.js";
import { MEMBER_WORDS } from "./words_members.js";
import { UPLOAD_WORDS } from "./words_upload.js";
import { PRESENTER_WORDS } from "./words_presenter.js";
import { PAPER_WORDS } from "./words_papers.js";

const STORAGE_KEY = "emeeting.lang";
export const LANGS = ["th", "en"];

const WORDS = {
  ...UPLOAD_WORDS,
  ...RECORD_WORDS, // the frozen record (words_record.js)
  ...PRESENTER_WORDS,
  ...AGENDA_WORDS,
  ...MEMBER_WORDS, // the member list editor (words_members.js)
  ...PAPER_WORDS, // a paper's versions and controls (issue 17 item 7)
  "nav.invitations": ["คำเชิญ", "Invitations"],
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
  "status.cancelled": ["ยกเลิกการประชุม", "Cancelled"],
  "meeting.postponed": ["เลื่อนการประชุม จากวันที่ {date} เวลา {time} เนื่องจาก {reason}", "Postponed from {date}, {time}, because: {reason}"],
  "meeting.cancelled": ["ยกเลิกการประชุมนี้แล้ว เนื่องจาก {reason}", "This meeting has been cancelled, because: {reason}"],
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
  // minutes
  "minutes.open": ["รายงานการประชุม", "Minutes"],
  "minutes.back": ["‹ กลับไปที่การประชุม", "‹ Back to the meeting"],
  "minutes.status.draft": ["ร่าง", "Draft"],
  "minutes.status.circulated": ["เวียนแจ้งแล้ว", "Circulated"],
  "minutes.status.adopted": ["รับรองแล้ว", "Adopted"],
  "minutes.not_circulated": ["รายงานการประชุมยังไม่ได้เวียนแจ้ง จะอ่านได้ที่นี่เมื่อเลขานุการเวียนแจ้งแล้ว", "The minutes have not been circulated yet: you can read them here once the secretary circulates them."],
  "minutes.now_circulated": ["เลขานุการเวียนแจ้งรายงานการประชุมแล้ว อ่านได้ที่ปุ่ม “รายงานการประชุม”", "The minutes have been circulated: read them with the “Minutes” button"],
  "minutes.circulated_note": ["ร่างรายงานการประชุมที่เวียนแจ้ง อาจมีการแก้ไขก่อนรับรอง", "The draft minutes as circulated: they may still be corrected before adoption"],
  "minutes.adopted_note": ["รายงานการประชุมที่รับรองแล้ว", "The minutes as adopted"],
  "minutes.empty": ["ยังไม่มีบันทึกในรายงานการประชุม", "Nothing has been written in the minutes"],
  "minutes.saved": ["บันทึกแล้ว", "Saved"],
  "minutes.saving": ["กำลังบันทึก…", "Saving…"],
  "minutes.unsaved": ["ยังไม่ได้บันทึก", "Not saved yet"],
  "minutes.conflict": ["มีผู้แก้ไขข้อความนี้พร้อมกับคุณ", "Someone else changed this text while you were writing"],
  "minutes.conflict_help": ["เลือกฉบับที่จะใช้ หรือแก้ไขในช่องด้านบนให้รวมทั้งสองฉบับแล้วกด “ใช้ฉบับของฉัน”", "Choose a version, or merge both in the box above and press “Keep mine”"],
  "minutes.theirs": ["ฉบับของอีกฝ่าย (บันทึกแล้ว)", "Theirs (saved)"],
  "minutes.mine": ["ฉบับของคุณ", "Yours"],
  "minutes.keep_mine": ["ใช้ฉบับของฉัน", "Keep mine"],
  "minutes.take_theirs": ["ใช้ฉบับของอีกฝ่าย", "Take theirs"],
  "minutes.notes": ["สรุปการประชุม (การอภิปราย)", "Discussion"],
  "minutes.dissent": ["ความเห็นแย้ง (ถ้ามี)", "Dissent (if any)"],
  "minutes.resolution": ["มติที่ประชุม", "Resolution"],
  "minutes.markup": ["**ตัวหนา** · ขึ้นบรรทัดด้วย - เพื่อทำรายการ หรือ 1. เพื่อทำรายการลำดับ · เว้นบรรทัดเพื่อขึ้นย่อหน้าใหม่", "**bold** · start lines with - for a list or 1. for a numbered list · a blank line starts a paragraph"],
  "minutes.votes": ["ผลการลงมติ", "Votes"],
  "minutes.actions": ["การดำเนินการต่อ", "Action items"],
  "minutes.carried": ["เรื่องที่ต้องดำเนินการต่อจากการประชุมครั้งก่อน", "Carried over from the previous meeting"],
  "minutes.no_actions": ["ไม่มี", "None"],
  "minutes.who": ["ผู้รับผิดชอบ", "Who"],
  "minutes.what": ["สิ่งที่ต้องดำเนินการ", "What"],
  "minutes.due": ["กำหนดเสร็จ", "By"],
  "minutes.remove": ["ลบ", "Remove"],
  "minutes.add_action": ["เพิ่ม", "Add"],
  "minutes.certify_title": ["รับรองรายงานการประชุมครั้งที่แล้ว", "Certify the previous meeting's minutes"],
  "minutes.certify": ["รับรองรายงานการประชุม", "Certify"],
  "minutes.certify_when": ["ประธานรับรองได้ระหว่างการประชุม เมื่ออยู่ที่วาระรับรองรายงานการประชุม", "The chair certifies them during the meeting, at the agenda item that certifies the previous minutes"],
  "minutes.corrections": ["การแก้ไข (ถ้ามี)", "Corrections (if any)"],
  "minutes.certified": ["ที่ประชุมรับรองรายงานการประชุมครั้งที่แล้ว", "The previous minutes were certified"],
  "minutes.certified_with": ["ที่ประชุมรับรองรายงานการประชุมครั้งที่แล้ว โดยมีการแก้ไข:", "Certified with corrections:"],
  "minutes.download": ["ดาวน์โหลดรายงาน", "Download"],
  "minutes.as_pdf": ["PDF", "PDF"],
  "minutes.as_docx": ["Word (DOCX)", "Word (DOCX)"],
  "minutes.as_md": ["Markdown", "Markdown"],
  "minutes.thai_digits": ["ใช้เลขไทย", "Thai digits"],
  "minutes.circulate": ["เวียนแจ้งรายงาน", "Circulate"],
  "minutes.circulate_confirm": ["เวียนแจ้งร่างรายงานการประชุมให้กรรมการ?", "Circulate the draft minutes to the members?"],
  "minutes.sign": ["ลงชื่อ", "Sign"],
  "minutes.sign_confirm": ["ลงชื่อในรายงานการประชุมในนาม {name}?", "Sign the minutes as {name}?"],
  "minutes.adopt": ["บันทึกการรับรองรายงาน", "Record adoption"],
  "minutes.adopt_prompt": ["รับรองรายงานการประชุมโดยการเวียน: การแก้ไข (เว้นว่างถ้าไม่มี)", "Adopted by circulation: corrections (empty if none)"],
  // ink
  "ink.write": ["เขียนบนเอกสาร", "Write on the page"],
  "ink.pen": ["ปากกา", "Pen"],
  "ink.highlighter": ["ปากกาเน้นข้อความ", "Highlighter"],
  "ink.eraser": ["ยางลบ", "Eraser"],
  "ink.note": ["บันทึกช่วยจำ", "Sticky note"],
  "ink.note_save": ["บันทึก", "Save"],
  "ink.note_delete": ["ลบบันทึก", "Delete note"],
  "ink.colour": ["สี", "Colour"],
  "ink.width0": ["เส้นบาง", "Thin"],
  "ink.width1": ["เส้นกลาง", "Medium"],
  "ink.width2": ["เส้นหนา", "Thick"],
  "ink.pen_only": ["เขียนด้วยปากกาเท่านั้น", "Stylus only"],
  "ink.pen_only_on": ["เขียนด้วยปากกาเท่านั้น: ใช้นิ้วเลื่อนหน้าได้", "Stylus only: fingers scroll the page"],
  "ink.undo": ["เลิกทำ", "Undo"],
  "ink.redo": ["ทำซ้ำ", "Redo"],
  "ink.clear": ["ล้างหน้านี้", "Clear this page"],
  "ink.clear_confirm": ["ลบสิ่งที่เขียนบนหน้านี้ทั้งหมด?", "Erase everything you wrote on this page?"],
  "ink.unsent": ["ยังไม่ได้ส่ง {n} รายการ", "{n} not sent yet"],
  "ink.pointer": ["ตัวชี้", "Pointer"],
  "ink.present": ["ปากกาผู้นำเสนอ", "Presenter pen"],
  "ink.clear_presented": ["ล้างหมึกหน้านี้", "Clear the pen on this page"],
  "ink.download": ["ดาวน์โหลดเอกสารพร้อมบันทึกของฉัน", "My annotated documents"],
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
  "err.edit_conflict": ["มีผู้แก้ไขรายงานส่วนนี้พร้อมกัน", "Someone else changed this part of the minutes"],
  "err.minutes_adopted": ["รายงานการประชุมรับรองแล้ว แก้ไขไม่ได้", "The minutes were adopted: they no longer change"],
  "err.meeting_not_closed": ["ทำได้เมื่อปิดประชุมแล้ว", "Only once the meeting is closed"],
  "err.minutes_not_draft": ["รายงานการประชุมเวียนแจ้งแล้ว", "The minutes were circulated already"],
  "err.minutes_not_circulated": ["ต้องเวียนแจ้งรายงานก่อน", "Circulate the minutes first"],
  "err.no_previous_minutes": ["การประชุมนี้ไม่มีรายงานการประชุมครั้งก่อนให้รับรอง", "This meeting has no previous minutes to certify"],
  "err.wrong_agenda_item": ["รับรองรายงานการประชุมที่วาระรับรองรายงานการประชุมครั้งที่แล้ว", "The previous minutes are certified under their agenda item (certifying the previous minutes)"],
  "err.too_much_ink": ["หมึกมากเกินไป โปรดลบบางส่วนก่อน", "Too much ink: erase some first"],
  "err.stroke_exists": ["มีเส้นนี้อยู่แล้ว", "That stroke exists already"],
  "err.page_out_of_range": ["ไม่มีหน้านี้ในเอกสาร", "The document has no such page"],
  "err.invalid_token": ["ลิงก์คำเชิญไม่ถูกต้อง โปรดขอลิงก์ใหม่จากเลขานุการ", "This invitation link is not valid. Ask the secretary for a new link."],
  "err.identity_changed": ["แท็บเล็ตนี้เปลี่ยนไปใช้ในชื่อผู้เข้าประชุมคนอื่นแล้ว โปรดโหลดหน้านี้ใหม่", "This tablet was switched to another member. Reload the page."],
  "err.token_revoked": ["คำเชิญนี้ถูกยกเลิกแล้ว โปรดขอลิงก์ใหม่จากเลขานุการ", "This invitation has been revoked. Ask the secretary for a new link."],
  "err.session_ended": ["อุปกรณ์นี้ออกจากระบบการประชุมแล้ว หากต้องการใช้อีก ให้เพิ่มจาก \"อุปกรณ์ของฉัน\" บนอุปกรณ์อีกเครื่อง", "This device was signed out of the meeting. To use it again, add it from \"My devices\" on another of your devices."],
  "err.invitation_link": ["อุปกรณ์นี้ยังไม่ได้เข้าห้องประชุม โปรดเปิดลิงก์คำเชิญแล้วกด \"เข้าห้องประชุม\"", "This device has not entered the meeting. Open your invitation link and choose \"Enter\"."],
  "err.link_used": ["ลิงก์นี้ถูกใช้เข้าห้องประชุมบนอุปกรณ์อื่นแล้ว", "This link has already been used on another device."],
  "devices.open": ["อุปกรณ์ของฉัน", "My devices"],
  "err.token_expired": ["การประชุมนี้ปิดไปนานแล้ว ลิงก์คำเชิญจึงหมดอายุ โปรดติดต่อเลขานุการ", "This meeting closed long ago and its links have expired. Ask the secretary."],
  "err.rate_limited": ["มีการเชื่อมต่อถี่เกินไป กำลังรอเพื่อลองใหม่", "Too many attempts: waiting before trying again."],
  "err.protocol": ["โปรแกรมนี้เก่ากว่าเซิร์ฟเวอร์ โปรดโหลดหน้าใหม่", "This page is older than the server. Please reload it."],
  "err.outdated": ["เซิร์ฟเวอร์ส่งข้อมูลแบบใหม่ โปรดโหลดหน้าใหม่เมื่อสะดวก", "The server sent something new. Reload the page when convenient."],
  "err.generic": ["เกิดข้อผิดพลาด ({code})", "Something went wrong ({code})"],
  "err.superseded": ["ยกเลิกคำสั่งเดิมแล้ว", "Replaced by a newer command"],
  "err.network": ["เครือข่ายขัดข้อง", "Network error"],
  // attendance and quorum (docs/protocol.md section 6)
  "quorum.met": ["ครบองค์ประชุม {p}/{r}", "Quorum {p}/{r}"],
  "quorum.not_met": ["ไม่ครบองค์ประชุม {p}/{r}", "No quorum {p}/{r}"],
  "quorum.title": ["กรรมการผู้มีสิทธิออกเสียงที่อยู่ในห้องประชุม / จำนวนที่ต้องมีให้ครบองค์ประชุม", "Voting members present / needed for a quorum"],
  "att.title": ["การลงทะเบียนผู้เข้าประชุม", "Attendance"],
  "att.open": ["ลงทะเบียน", "Attendance"],
  "att.present": ["มาประชุม", "Present"],
  "att.departed": ["กลับก่อน", "Left"],
  "att.absent": ["ไม่มาประชุม", "Absent"],
  "att.expected": ["ยังไม่มา", "Not arrived"],
  "att.arrived": ["มา {time}", "arrived {time}"],
  "att.left": ["กลับ {time}", "left {time}"],
  "att.reason": ["เหตุผลที่ไม่มาประชุม", "Reason for absence"],
  "att.reason_prompt": ["เหตุผลที่ไม่มาประชุม (เช่น ติดราชการ ลาป่วย)", "Reason for absence (e.g. official duty, sick leave)"],
  "att.substitute": ["ผู้มาประชุมแทน", "Substitute"],
  "att.substitute_for": ["{name} (มาประชุมแทน)", "{name} (substitute)"],
  "att.substitute_name": ["ชื่อผู้มาประชุมแทน (เว้นว่างเพื่อลบ)", "Substitute's name (empty to remove)"],
  "att.substitute_position": ["ตำแหน่งผู้มาประชุมแทน", "Substitute's position"],
  "att.unconfirmed": ["ลงทะเบียนเอง รอยืนยัน", "Checked in by device, not confirmed"],
  "att.confirm": ["ยืนยัน", "Confirm"],
  "att.add_guest": ["เพิ่มผู้เข้าร่วมประชุม", "Add a guest"],
  "att.guest_name": ["ชื่อผู้เข้าร่วมประชุม", "Guest's name"],
  "att.guest_position": ["ตำแหน่ง", "Position"],
  "att.quorum_rule": ["องค์ประชุม", "Quorum rule"],
  "att.quorum_half": ["กึ่งหนึ่งของกรรมการ", "Half of the voting members"],
  "att.quorum_two_thirds": ["สองในสามของกรรมการ", "Two thirds of the voting members"],
  "att.quorum_count": ["จำนวน (คน)", "A number of members"],
  "att.export_attendance": ["ดาวน์โหลดรายชื่อผู้เข้าประชุม (CSV)", "Download the attendance record (CSV)"],
  "att.export_connections": ["ดาวน์โหลดบันทึกการเชื่อมต่อ (CSV)", "Download the connection record (CSV)"],
  "att.conflict": ["ส่วนได้เสีย", "Conflict of interest"],
  "att.conflict_on": ["มีส่วนได้เสียในวาระ {n}", "Conflict on item {n}"],
  "att.record_conflict": ["บันทึกส่วนได้เสียในวาระปัจจุบัน", "Record a conflict on the current item"],
  "att.summary": ["มาประชุม {p} · ไม่มา {a} · ยังไม่มา {e}", "Present {p} · absent {a} · not arrived {e}"],
  "att.no_vote": ["ไม่มีสิทธิออกเสียง", "no vote"],
  // votes
  "vote.title": ["การลงมติ", "Vote"],
  "vote.open": ["เปิดการลงมติ", "Open a vote"],
  "vote.new": ["ลงมติในวาระนี้…", "Vote on this item…"],
  "vote.close": ["ปิดการลงมติ", "Close the vote"],
  "vote.close_confirm": ["ยืนยันปิดการลงมติ? ผู้ที่ยังไม่ลงคะแนนจะลงคะแนนไม่ได้อีก", "Close the vote? Those who have not voted can no longer vote."],
  "vote.subject": ["เรื่องที่ลงมติ", "Motion"],
  "vote.secret": ["ลงคะแนนลับ", "Secret ballot"],
  "vote.named": ["ลงคะแนนโดยเปิดเผย", "Named ballot"],
  "vote.changeable": ["แก้ไขคะแนนได้จนกว่าจะปิด", "Ballots may be changed until it closes"],
  "vote.custom": ["ตัวเลือกอื่น (บรรทัดละหนึ่งตัวเลือก)", "Own options (one per line)"],
  "vote.rule": ["เกณฑ์", "Rule"],
  "vote.rule.simple": ["เสียงข้างมากของผู้ลงคะแนน", "Simple majority of votes cast"],
  "vote.rule.absolute": ["เกินกึ่งหนึ่งของผู้มีสิทธิ", "Absolute majority of those eligible"],
  "vote.rule.two_thirds": ["สองในสามของผู้ลงคะแนน", "Two thirds of votes cast"],
  "vote.rule.plurality": ["คะแนนสูงสุด", "Most votes"],
  "vote.count": ["ลงคะแนนแล้ว {n} จาก {m} คน", "{n} of {m} have voted"],
  "vote.voted_list": ["ลงคะแนนแล้ว", "Have voted"],
  "vote.waiting_list": ["ยังไม่ลงคะแนน", "Not yet voted"],
  "vote.approve": ["เห็นชอบ", "Approve"],
  "vote.disapprove": ["ไม่เห็นชอบ", "Disapprove"],
  "vote.abstain": ["งดออกเสียง", "Abstain"],
  "vote.confirm": ["ยืนยันการลงคะแนน", "Confirm my vote"],
  "vote.your_choice": ["คุณเลือก: {label}", "Your choice: {label}"],
  "vote.back": ["เลือกใหม่", "Choose again"],
  "vote.recorded": ["บันทึกการลงคะแนนแล้ว", "Your vote is recorded"],
  "vote.sending": ["กำลังส่งคะแนน…", "Sending your vote…"],
  "vote.change": ["เปลี่ยนคะแนน", "Change my vote"],
  "vote.final": ["การลงมตินี้เปลี่ยนคะแนนไม่ได้", "Ballots cannot be changed in this vote"],
  "vote.not_eligible": ["คุณไม่มีสิทธิลงคะแนนในการลงมตินี้", "You have no vote in this vote"],
  "vote.recused": ["คุณแจ้งว่ามีส่วนได้เสียในวาระนี้ จึงไม่ลงคะแนน", "You declared a conflict of interest on this item, so you do not vote"],
  "vote.late": ["คุณเข้าประชุมหลังเปิดการลงมติ", "You arrived after the vote opened"],
  "vote.secret_note": ["ลงคะแนนลับ: ไม่มีใครทราบว่าคุณเลือกอะไร", "Secret ballot: nobody can know what you chose"],
  "vote.result": ["ผลการลงมติ", "Result"],
  "vote.outcome.approved": ["เห็นชอบ", "Approved"],
  "vote.outcome.rejected": ["ไม่เห็นชอบ", "Not approved"],
  "vote.outcome.chosen": ["เลือก {label}", "Chosen: {label}"],
  "vote.outcome.tie": ["คะแนนเท่ากัน", "Tied"],
  "vote.outcome.no_decision": ["ไม่มีมติ", "No decision"],
  "vote.outcome.too_few_ballots": ["ผู้ลงคะแนนน้อยเกินกว่าจะเปิดเผยผล", "Too few ballots to publish"],
  "vote.too_few_detail": ["ลงคะแนนลับ {n} คน น้อยกว่าขั้นต่ำ {m} คน จึงไม่บันทึกและไม่แสดงผลคะแนน", "Secret ballots cast: {n}, fewer than the minimum of {m}: the count is neither recorded nor shown"],
  "vote.min_note": ["ผลคะแนนลับจะเปิดเผยเมื่อมีผู้ลงคะแนนอย่างน้อย {m} คน", "A secret count is published only with at least {m} ballots"],
  "vote.close_too_few": ["มีผู้ลงคะแนนลับเพียง {n} คน น้อยกว่าขั้นต่ำ {m} คน หากปิดตอนนี้ ผลคะแนนจะไม่ถูกบันทึกหรือเปิดเผย และที่ประชุมจะไม่มีมติ ยืนยันปิดการลงมติ?", "Only {n} secret ballots, fewer than the minimum of {m}. Closed now, the count is neither recorded nor shown and no decision is made. Close the vote?"],
  "vote.casting": ["ประธานออกเสียงชี้ขาด", "Chair's casting vote"],
  "vote.casting_for": ["ชี้ขาด: {label}", "Casting vote: {label}"],
  "vote.dismiss": ["ปิดหน้าต่าง", "Dismiss"],
  "vote.votes": ["{n} เสียง", "{n}"],
  "vote.none_open": ["ไม่มีการลงมติที่เปิดอยู่", "No vote is open"],
  // conflicts and leaving, on the tablet
  "conflict.declare": ["แจ้งส่วนได้เสีย", "Declare a conflict of interest"],
  "conflict.declared": ["คุณแจ้งส่วนได้เสียในวาระนี้แล้ว", "You declared a conflict of interest on this item"],
  "conflict.withdraw": ["ถอนการแจ้งส่วนได้เสีย", "Withdraw the declaration"],
  "conflict.hide": ["ซ่อนเอกสารของวาระนี้จากฉัน", "Hide this item's documents from me"],
  "conflict.confirm": ["แจ้งว่ามีส่วนได้เสียในวาระ {n}? คุณจะไม่ลงคะแนนในวาระนี้", "Declare a conflict of interest on item {n}? You will not vote on it."],
  "leave": ["ออกจากห้องประชุม", "Leave the meeting"],
  "leave.confirm": ["ยืนยันการออกจากห้องประชุม? ระบบจะบันทึกเวลากลับ", "Leave the meeting? Your departure time will be recorded."],
  "leave.done": ["คุณออกจากห้องประชุมแล้ว", "You have left the meeting"],
  "leave.rejoin": ["กลับเข้าห้องประชุม", "Rejoin the meeting"],
  "err.no_quorum": ["ยังไม่ครบองค์ประชุม จึงเปิดการลงมติไม่ได้", "There is no quorum: the vote cannot be opened"],
  "err.vote_open": ["มีการลงมติที่ยังเปิดอยู่ โปรดปิดก่อน", "A vote is still open: close it first"],
  "err.tie_unbroken": ["คะแนนเสียงเท่ากัน ประธานต้องออกเสียงชี้ขาดก่อนปิดประชุม", "A vote is tied: give the casting vote before closing the meeting"],
  "err.not_eligible": ["คุณไม่มีสิทธิลงคะแนนในการลงมตินี้", "You have no vote in this vote"],
  "err.recused": ["คุณมีส่วนได้เสียในวาระนี้ จึงลงคะแนนไม่ได้", "You have a conflict of interest on this item"],
  "err.vote_closed": ["ปิดการลงมติแล้ว", "The vote has closed"],
  "err.ballot_final": ["การลงมตินี้เปลี่ยนคะแนนไม่ได้", "Ballots cannot be changed in this vote"],
  "err.no_voters": ["ไม่มีผู้มีสิทธิลงคะแนนในวาระนี้", "Nobody present may vote on this item"],
  "err.already_voted": ["คุณลงคะแนนในวาระนี้แล้ว", "You have already voted on this item"],
  "err.not_present": ["คุณยังไม่ได้ลงทะเบียนเข้าประชุม", "You are not checked in"],
  "err.invalid_vote": ["ตัวเลือกไม่ถูกต้อง ต้องมีอย่างน้อยสองตัวเลือกที่ไม่ซ้ำกัน", "Give at least two different options"],
  "err.invalid_quorum": ["จำนวนองค์ประชุมมากกว่าจำนวนกรรมการ", "The quorum is larger than the number of voting members"],
  "err.document_hidden": ["เอกสารนี้ถูกซ่อนเนื่องจากคุณมีส่วนได้เสียในวาระนี้", "This document is hidden from you: you declared a conflict of interest"],
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

// Explicit bidi embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069). Thai and
// English need none, and an unclosed one turns the text after it backwards ("Trojan Source"):
// a name ending in U+202E would reverse the words that follow it on the line.
const BIDI_CONTROLS = /[\u202a-\u202e\u2066-\u2069]/g;

/** People's text as the page shows it: without explicit bidi controls (our own words have none). */
export function shown(text) {
  return String(text).replace(BIDI_CONTROLS, "");
}

/** The text for `key` in the current language, with {name} placeholders filled from `params`.
 * In one pass: a value is never read again, so a file named "{pct}" stays "{pct}". */
export function t(key, params = {}) {
  const entry = WORDS[key];
  const text = entry ? entry[current === "en" ? 1 : 0] : key;
  return text.replace(/\{(\w+)\}/g, (placeholder, name) =>
    Object.prototype.hasOwnProperty.call(params, name) ? shown(params[name]) : placeholder);
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

let clock = null;

/** The meeting's clock: hours and minutes in the meeting's time zone (the page's boot data names
 * it), never the device's own; the device's zone only if this browser does not know that one. */
function meetingClock() {
  if (clock) return clock;
  const options = { hour: "2-digit", minute: "2-digit", hourCycle: "h23" };
  let zone;
  try {
    zone = JSON.parse(document.getElementById("emeeting-boot")?.textContent || "{}").timezone;
  } catch {
    zone = undefined;
  }
  try {
    clock = new Intl.DateTimeFormat("en-GB", { ...options, timeZone: zone || undefined });
  } catch {
    clock = new Intl.DateTimeFormat("en-GB", options); // an unknown zone: RangeError
  }
  return clock;
}

/** A Date (or ms since the epoch) as the time of day in the meeting's zone, "14.05 น." / "14:05". */
export function formatClock(value, { language = current } = {}) {
  const d = value instanceof Date ? value : new Date(value);
  const parts = Object.fromEntries(meetingClock().formatToParts(d).map((p) => [p.type, p.value]));
  const hh = parts.hour.padStart(2, "0");
  const mm = parts.minute;
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
