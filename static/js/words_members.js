// The member list editor's words (members_editor.js), Thai first, English second; merged into the
// dictionary by i18n.js. Every refusal a member command can get has its sentence here
// (err.<code>, docs/protocol.md section 11).

export const MEMBER_WORDS = {
  "members.edit": ["แก้ไขรายชื่อกรรมการ", "Edit members"],
  "members.edit.title": ["รายชื่อกรรมการและผู้เข้าร่วมประชุม", "Members and attendees"],
  "members.note.before": [
    "เพิ่ม ลบ หรือแก้ไขชื่อ ตำแหน่ง และบทบาทในคณะกรรมการได้ก่อนการประชุม ผู้ที่เพิ่มใหม่จะได้ลิงก์เชิญในหน้าใบเชิญทันที",
    "Add or remove members and change their name, position and committee role before the meeting. A new member's invitation link is on the invitation sheet at once.",
  ],
  "members.note.open": [
    "การประชุมเริ่มแล้ว: เพิ่มผู้ที่มาร่วมภายหลังได้ ลบได้เฉพาะผู้ที่ยังไม่ได้มาประชุมและยังไม่ได้ลงคะแนน",
    "The meeting is open: a member who joins late can be added; only one who has not attended nor voted can be removed.",
  ],
  "members.note.closed": [
    "ปิดการประชุมแล้ว: แก้ไขชื่อ ตำแหน่ง หรือบทบาทที่มีสิทธิเท่าเดิมได้จนกว่าจะรับรองรายงานการประชุม (การลงนามเดิมจะถูกยกเลิก)",
    "The meeting is closed: a name, position or a title with the same rights may be corrected until the minutes are adopted (the signatures are voided).",
  ],
  "members.note.adopted": [
    "รับรองรายงานการประชุมแล้ว รายชื่อเป็นส่วนหนึ่งของบันทึก แก้ไขไม่ได้",
    "The minutes are adopted: the member list is part of the record and cannot change.",
  ],
  "members.name": ["ชื่อ-นามสกุล", "Name"],
  "members.position": ["ตำแหน่ง", "Position"],
  "members.title": ["บทบาทในคณะกรรมการ", "Committee role"],
  "members.name_of": ["ชื่อของ {name}", "Name of {name}"],
  "members.position_of": ["ตำแหน่งของ {name}", "Position of {name}"],
  "members.title_of": ["บทบาทของ {name}", "Committee role of {name}"],
  "members.add": ["เพิ่มกรรมการ", "Add member"],
  "members.remove": ["ลบออก", "Remove"],
  "members.remove_confirm": [
    "ลบ {name} ออกจากการประชุมหรือไม่ ลิงก์เชิญจะใช้ไม่ได้และอุปกรณ์ของผู้นี้จะถูกตัดการเชื่อมต่อทันที",
    "Remove {name} from the meeting? Their invitation link stops working and their devices are disconnected at once.",
  ],
  "members.done": ["บันทึกแล้ว", "Saved"],
  "members.title.0": ["ประธาน", "Chair"],
  "members.title.1": ["รองประธาน", "Vice-chair"],
  "members.title.2": ["กรรมการ", "Member"],
  "members.title.3": ["กรรมการและเลขานุการ", "Member and secretary"],
  "members.title.4": ["กรรมการและผู้ช่วยเลขานุการ", "Member and assistant secretary"],
  "members.title.5": ["ผู้ช่วยเลขานุการ ไม่มีสิทธิออกเสียง", "Assistant secretary, no vote"],
  "members.title.6": ["ไม่มีสิทธิออกเสียง", "In attendance, no vote"],
  "members.title.-1": ["ตามที่พิมพ์", "as typed"],
  "err.unknown_office": [
    "ไม่รู้จักบทบาทนี้ เลือกจาก ประธานกรรมการ รองประธานกรรมการ กรรมการ กรรมการและเลขานุการ ผู้ช่วยเลขานุการ ผู้เข้าร่วมประชุม",
    "This committee role is not understood: choose ประธานกรรมการ (chair), รองประธานกรรมการ (vice-chair), กรรมการ (member), กรรมการและเลขานุการ (member and secretary), ผู้ช่วยเลขานุการ (assistant secretary) or ผู้เข้าร่วมประชุม (in attendance).",
  ],
  "err.only_chair": ["การประชุมต้องมีประธาน ผู้นี้เป็นประธานเพียงคนเดียว", "A meeting needs a chair: this member is its only one."],
  "err.self_removal": ["ลบตัวเองออกไม่ได้ ให้ประธานหรือเลขานุการอีกคนดำเนินการ", "You cannot remove yourself: ask the chair or the other secretary."],
  "err.member_has_voted": [
    "ผู้นี้อยู่ในการลงคะแนนแล้ว ผลการนับคะแนนนับรวมผู้นี้ จึงลบหรือเปลี่ยนสิทธิออกเสียงไม่ได้",
    "This member is in a vote, counted with them: they cannot be removed nor their vote changed.",
  ],
  "err.member_attended": [
    "ผู้นี้มาประชุมแล้ว รายชื่อผู้มาประชุมมีชื่อผู้นี้ จึงลบออกไม่ได้",
    "This member has attended: the attendance record lists them, so they cannot be removed.",
  ],
  "err.member_exists": ["มีกรรมการรหัสนี้อยู่แล้ว", "There is already a member with this id."],
  "err.unknown_member": ["ไม่พบกรรมการผู้นี้ในการประชุม", "There is no such member in this meeting."],
};
