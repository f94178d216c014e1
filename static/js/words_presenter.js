// Words of the presenter's own controls (panels.js), Thai first, English second (i18n.js).

export const PRESENTER_WORDS = {
  "panels.toggle": ["ขยายหน้าเอกสาร", "Enlarge the page"],
  "panels.key": ["ปุ่มลัด F", "shortcut F"],
  "panels.hidden": ["ซ่อนแผงด้านข้างแล้ว หน้าเอกสารเต็มความกว้างของจอ (กด F เพื่อแสดงแผงอีกครั้ง)",
    "Side panels hidden: the page fills the width of the screen (press F to show them again)"],
  "panels.shown": ["แสดงแผงด้านข้างแล้ว (ระเบียบวาระ การลงมติ และผู้เข้าประชุม)",
    "Side panels shown (agenda, votes and who is connected)"],
};
