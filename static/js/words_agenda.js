// The agenda editor's words (agenda_editor.js), Thai first, English second; merged into the
// dictionary by i18n.js. Every refusal an agenda command can get has its sentence here
// (err.<code>, docs/protocol.md section 11).

export const AGENDA_WORDS = {
  "agenda.edit": ["แก้ไขวาระ", "Edit agenda"],
  "agenda.edit.title": ["แก้ไขระเบียบวาระการประชุม", "Edit the agenda"],
  "agenda.edit.help": [
    "ลากวาระเพื่อจัดลำดับ หรือใช้ปุ่มเลื่อนขึ้น/ลง ย่อหน้าเข้า/ออก เลขวาระจัดให้ใหม่ตามลำดับเอง",
    "Drag an item to reorder it, or use the up/down and indent/outdent buttons. Numbers follow the order by themselves.",
  ],
  "agenda.edit.closed": ["ปิดการประชุมแล้ว ระเบียบวาระเป็นส่วนหนึ่งของบันทึก แก้ไขไม่ได้", "The meeting is closed: its agenda is part of the record and cannot change."],
  "agenda.edit.rename": ["ชื่อวาระ {n}", "Title of item {n}"],
  "agenda.edit.up": ["เลื่อนขึ้น", "Move up"],
  "agenda.edit.down": ["เลื่อนลง", "Move down"],
  "agenda.edit.nest": ["ทำเป็นวาระย่อยของวาระก่อนหน้า", "Make it a sub-item of the item above"],
  "agenda.edit.unnest": ["ย้ายออกจากวาระย่อย", "Move it out of its parent item"],
  "agenda.edit.remove": ["ลบวาระ", "Remove item"],
  "agenda.edit.remove_confirm": ["ลบวาระ {n} “{title}” หรือไม่", "Remove item {n} “{title}”?"],
  "agenda.edit.kind": ["ประเภทของวาระ {n}", "Kind of item {n}"],
  "agenda.kind.item": ["วาระทั่วไป", "Ordinary item"],
  "agenda.kind.previous_minutes": ["รับรองรายงานการประชุม", "Certifies the previous minutes"],
  "agenda.kind.carried": ["เรื่องสืบเนื่อง", "Carried-forward actions"],
  "agenda.edit.supplementary": ["วาระเพิ่มเติม", "Supplementary item"],
  "agenda.edit.add": ["เพิ่มวาระ", "Add item"],
  "agenda.edit.new_title": ["ชื่อวาระใหม่", "New item's title"],
  "agenda.edit.under": ["อยู่ใต้", "Under"],
  "agenda.edit.top": ["วาระหลัก (ระดับบนสุด)", "Top level"],
  "agenda.edit.consent": ["ประธานอนุญาตให้เพิ่มวาระนี้ในที่ประชุมแล้ว", "The chair consented to this item in the meeting"],
  "agenda.edit.consent_chair": [
    "เพิ่มระหว่างการประชุม: เป็นวาระเพิ่มเติมโดยความเห็นชอบของประธาน (บันทึกไว้)",
    "Added during the meeting: a supplementary item with the chair's consent (recorded).",
  ],
  "agenda.edit.drop_end": ["วางที่นี่เพื่อย้ายไปท้ายสุด", "Drop here to move it to the end"],
  "agenda.edit.done": ["บันทึกแล้ว", "Saved"],
  // refusals of the agenda commands
  "err.agenda_item_exists": ["มีวาระนี้อยู่แล้ว", "There is already an item with this id."],
  "err.agenda_too_long": ["ระเบียบวาระมีได้ไม่เกิน 200 วาระ", "An agenda has at most 200 items."],
  "err.agenda_too_deep": ["วาระย่อยลึกได้ไม่เกิน 3 ชั้น (เช่น 4.1.1)", "Items nest at most three levels deep (e.g. 4.1.1)."],
  "err.invalid_agenda_move": ["ย้ายวาระไปไว้ใต้ตัวเองหรือวาระย่อยของตัวเองไม่ได้", "An item cannot go under itself or one of its own sub-items."],
  "err.chair_consent_required": [
    "การเพิ่มวาระระหว่างการประชุมต้องได้รับความเห็นชอบจากประธาน: ทำเครื่องหมายว่าประธานอนุญาตแล้ว",
    "An item added during the meeting needs the chair's consent: tick that the chair consented.",
  ],
  "err.agenda_item_has_subitems": ["วาระนี้มีวาระย่อย: ย้ายหรือลบวาระย่อยก่อน", "This item has sub-items: move or remove them first."],
  "err.agenda_item_last": ["ต้องมีอย่างน้อยหนึ่งวาระ", "A meeting keeps at least one agenda item."],
  "err.agenda_item_current": ["วาระนี้กำลังแสดงบนจอ: ไปวาระอื่นก่อนแล้วจึงลบ", "This item is on the screen: go to another item first."],
  "err.agenda_item_has_documents": [
    "วาระนี้มีเอกสารอยู่: ย้ายเอกสารไปวาระอื่นหรือลบเอกสารก่อน",
    "This item has documents: move them to another item, or remove them, first.",
  ],
  "err.agenda_item_has_votes": ["วาระนี้มีการลงมติแล้ว: การลงมติเป็นส่วนหนึ่งของบันทึก ลบไม่ได้", "This item has votes: they are part of the record."],
  "err.agenda_item_has_minutes": ["วาระนี้มีบันทึกการประชุมแล้ว: ลบไม่ได้", "This item has minutes written: they are part of the record."],
  "err.agenda_item_has_conflicts": [
    "มีผู้แจ้งส่วนได้เสียในวาระนี้: เป็นส่วนหนึ่งของบันทึก ลบไม่ได้",
    "Someone declared a conflict of interest on this item: it is part of the record.",
  ],
};
