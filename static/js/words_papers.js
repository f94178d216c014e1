// The words of a paper's versions and of the organisers' paper controls (versions.js,
// papers.js), Thai first, English second: one entry per key as in i18n.js, which merges them.

export const PAPER_WORDS = {
  // a tablet: a paper replaced by a new version (issue 17 item 7)
  "version.replaced_toast": ["มีเอกสารฉบับใหม่: {title} บันทึกของท่านยังอยู่กับฉบับเดิม", "A new version of {title} is out: your notes stay on the earlier version."],
  "version.old_here": ["ท่านกำลังดูฉบับเดิม (ฉบับที่ {v}) มีฉบับใหม่แล้ว", "This is an earlier version (version {v}): a new version exists."],
  "version.open_new": ["เปิดฉบับใหม่", "Open the new version"],
  "version.ink_on_old": ["มีฉบับใหม่แล้ว บันทึกของท่านอยู่ในฉบับเดิม", "This is a new version: your notes are on the earlier one."],
  "version.open_old": ["เปิดฉบับเดิมพร้อมบันทึกของท่าน", "Open the earlier version with your notes"],
  "version.old_row": ["ฉบับเดิม (ฉบับที่ {v}) พร้อมบันทึกของท่าน", "Earlier version (version {v}) with your notes"],
  "version.badge": ["ฉบับที่ {v}", "version {v}"],
  // the chair's and the secretary's page: a paper's controls
  "paper.manage": ["จัดการเอกสาร {title}", "Manage the paper {title}"],
  "paper.heading": ["จัดการเอกสาร", "Manage a paper"],
  "paper.title": ["ชื่อเอกสาร", "Title"],
  "paper.rename": ["เปลี่ยนชื่อ", "Rename"],
  "paper.item": ["ย้ายไปวาระ", "Move to item"],
  "paper.move": ["ย้าย", "Move"],
  "paper.up": ["เลื่อนขึ้น", "Move up"],
  "paper.down": ["เลื่อนลง", "Move down"],
  "paper.replace": ["แทนที่ด้วยฉบับใหม่", "Replace with a new version"],
  "paper.replacing": ["กำลังอัปโหลดฉบับใหม่ของ {title}", "Uploading a new version of {title}"],
  "paper.replaced": ["แทนที่ {title} ด้วยฉบับที่ {v} แล้ว", "{title} replaced by version {v}"],
  "paper.remove": ["ลบเอกสาร", "Remove the paper"],
  "paper.remove_confirm": ["ลบเอกสาร {title} ออกจากการประชุม? ฉบับก่อนหน้าจะถูกลบไปด้วย", "Remove {title} from the meeting? Its earlier versions go with it."],
  "paper.close": ["ปิด", "Close"],
  "paper.done": ["บันทึกแล้ว", "Saved"],
  // refusals of the paper commands and uploads
  "upload.refused.document_duplicate": ["ไฟล์นี้มีอยู่แล้วในวาระนี้ จึงไม่ได้เพิ่มซ้ำ", "This file is already there under this item: it was not added again."],
  "upload.refused.document_superseded": ["เอกสารนี้มีฉบับใหม่แล้ว โปรดแทนที่ฉบับล่าสุด", "This paper has a newer version already: replace the latest one."],
  "upload.refused.unknown_document": ["ไม่พบเอกสารที่จะแทนที่ อาจถูกลบไปแล้ว", "The paper to replace is not there: it may have been removed."],
  "err.document_duplicate": ["ไฟล์นี้มีอยู่แล้วในวาระนี้", "This file is already there under this item."],
  "err.document_superseded": ["เอกสารนี้มีฉบับใหม่แล้ว โปรดแก้ไขที่ฉบับล่าสุด", "This paper has a newer version: change the latest one."],
};
