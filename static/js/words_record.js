// The words of the frozen record (issue 17 items 9-11: attendance corrected after the close, the
// attendance of adopted minutes, minutes adopted by circulation), Thai first, English second: one
// entry per key as in i18n.js, which merges them into its dictionary. record.js draws them.

export const RECORD_WORDS = {
  "err.record_adopted": [
    "รายงานการประชุมรับรองแล้ว รายชื่อผู้เข้าประชุมจึงแก้ไขไม่ได้อีก หากต้องแก้ไขให้เสนอที่ประชุมครั้งต่อไปรับรอง",
    "The minutes were adopted: the attendance no longer changes. A later correction goes to the next meeting to certify.",
  ],
  "err.previous_minutes_adopted": [
    "รายงานการประชุมครั้งที่แล้วรับรองโดยการเวียนแจ้งแล้ว จึงไม่ต้องรับรองอีก",
    "The previous minutes were already adopted by circulation: they are not certified again.",
  ],
  "err.invalid_attendance": [
    "บันทึกการเข้าประชุมไม่ถูกต้อง (เช่น เวลากลับก่อนเวลามา หรือเวลาหลังปิดประชุม)",
    "That attendance record is not valid (e.g. leaving before arriving, or a time after the meeting closed).",
  ],
  "record.frozen": [
    "รายงานการประชุมรับรองแล้ว รายชื่อผู้เข้าประชุมแก้ไขไม่ได้อีก",
    "The minutes were adopted: the attendance can no longer be changed.",
  ],
  "record.correcting": [
    "ปิดประชุมแล้ว: การแก้ไขรายชื่อจากนี้จะบันทึกเป็นการแก้ไขหลังปิดประชุม (ผู้แก้ไขและเวลา) ลายมือชื่อที่ลงไว้จะถูกยกเลิก และการแก้ไขจะแสดงในรายงานที่เวียนแจ้ง",
    "The meeting is closed: a change here is recorded as a correction (who and when), voids the signatures given, and is shown in the circulated minutes.",
  ],
  "record.corrections": ["แก้ไขรายชื่อผู้มาประชุมหลังปิดประชุม", "Attendance corrected after the meeting closed"],
  "record.present": ["{member}: มาประชุม", "{member}: present"],
  "record.departed": ["{member}: มาประชุม และออกจากที่ประชุมก่อนเลิกประชุม", "{member}: present, and left before the meeting closed"],
  "record.absent": ["{member}: ไม่มาประชุม", "{member}: absent"],
  "record.expected": ["{member}: ไม่มาประชุม", "{member}: absent"],
  "record.substitute": ["{name} มาประชุมแทน {member}", "{name} attending for {member}"],
  "record.no_substitute": ["{member}: ไม่มีผู้มาประชุมแทน", "{member}: no substitute"],
  "record.guest": ["{name}: ผู้เข้าร่วมประชุม", "{name}: in attendance"],
  "record.by": ["(แก้ไขโดย {by} เวลา {when})", "(corrected by {by} at {when})"],
  "record.previous_adopted": [
    "รายงานการประชุมครั้งที่แล้วรับรองโดยการเวียนแจ้งแล้ว จึงไม่ต้องรับรองอีก",
    "The previous minutes were adopted by circulation: they are not certified again.",
  ],
  "record.previous_adopted_by": [
    "รายงานการประชุมครั้งที่แล้วได้รับการรับรองโดยการประชุมอื่นแล้ว จึงไม่ต้องรับรองอีก",
    "The previous minutes were certified by another meeting: they are not certified again.",
  ],
};
