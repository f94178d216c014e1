// The upload control's words (chair.js, upload.js), Thai first, English second: one entry per
// key as in i18n.js, which merges them into its dictionary. Every refusal code an upload can end
// with has a sentence here (upload.refused.<code>, tests/e2e/test_upload_refusals.py), or in
// i18n.js as err.<code>.

export const UPLOAD_WORDS = {
  "upload": ["อัปโหลดเอกสาร", "Upload a document"],
  "upload.to": ["ไปยังวาระ", "To item"],
  "upload.title": ["ชื่อเอกสาร (ไม่บังคับ)", "Title (optional)"],
  "upload.choose": ["เลือกไฟล์ PDF, PNG หรือ JPEG", "Choose a PDF, PNG or JPEG file"],
  "upload.choose_office": ["เลือกไฟล์ PDF, Word, Excel, PowerPoint หรือภาพ", "Choose a PDF, Word, Excel, PowerPoint or image file"],
  "upload.sending": ["กำลังอัปโหลด {name} {pct}%", "Uploading {name} {pct}%"],
  "upload.checking": ["กำลังตรวจสอบไฟล์ {name}", "Checking {name}"],
  "upload.rendering": ["กำลังเตรียมหน้า {r}/{n}", "Rendering pages {r}/{n}"],
  "upload.done": ["อัปโหลดแล้ว: {name} ({n} หน้า)", "Uploaded: {name} ({n} pages)"],
  "upload.failed": ["อัปโหลดไม่สำเร็จ: {msg}", "Upload failed: {msg}"],
  "upload.cancel": ["ยกเลิก", "Cancel"],
  // why an upload was refused: one sentence per document code (docs/protocol.md, section 11)
  "upload.refused.empty_file": ["ไฟล์ว่างเปล่า (0 ไบต์) โปรดตรวจว่าบันทึกไฟล์แล้ว แล้วอัปโหลดใหม่", "The file is empty (0 bytes). Check that it was saved, then upload it again."],
  "upload.refused.unsupported_type": ["ไม่รับไฟล์ชนิดนี้ โปรดอัปโหลด PDF ภาพ PNG หรือ JPEG หรือเอกสาร Word, PowerPoint, Excel หรือ OpenDocument หรือบันทึกเป็น PDF แล้วอัปโหลด", "This kind of file is not taken: upload a PDF, a PNG or JPEG image, or a Word, PowerPoint, Excel or OpenDocument file; or save it as PDF and upload that."],
  "upload.refused.file_too_large": ["ไฟล์ใหญ่เกินกว่าที่เซิร์ฟเวอร์นี้รับได้ โปรดแบ่งไฟล์ หรือบันทึกใหม่โดยลดขนาดภาพ แล้วอัปโหลด", "The file is larger than this server takes. Split it, or save it again with smaller images, and upload that."],
  "upload.refused.encrypted_pdf": ["PDF นี้ตั้งรหัสผ่านไว้ จึงแสดงไม่ได้ โปรดเปิดด้วยรหัสผ่าน แล้วบันทึกหรือพิมพ์เป็น PDF ใหม่ที่ไม่มีรหัสผ่าน แล้วอัปโหลด", "The PDF is protected by a password, so it cannot be shown. Open it with the password, save or print it to a new PDF without one, and upload that."],
  "upload.refused.corrupt_pdf": ["ไฟล์ PDF เสียหายหรือไม่สมบูรณ์ จึงอ่านไม่ได้ โปรดเปิดด้วยโปรแกรมอ่าน PDF ถ้าเปิดได้ ให้พิมพ์หรือบันทึกเป็น PDF ใหม่แล้วอัปโหลด ถ้าเปิดไม่ได้ โปรดขอไฟล์ใหม่", "The PDF is damaged or incomplete and cannot be read. Open it in a PDF reader; if it shows, print or save it to a new PDF and upload that; if not, get the file again."],
  "upload.refused.corrupt_image": ["ไฟล์ภาพเสียหาย จึงอ่านไม่ได้ โปรดเปิดด้วยโปรแกรมดูภาพ ถ้าเปิดได้ ให้บันทึกใหม่แล้วอัปโหลด", "The image is damaged and cannot be read. Open it in an image viewer; if it shows, save it again and upload that."],
  "upload.refused.too_many_pages": ["เอกสารมีจำนวนหน้ามากเกินกว่าที่เซิร์ฟเวอร์นี้รับได้ โปรดแบ่งเป็นหลายไฟล์แล้วอัปโหลดทีละไฟล์", "The document has more pages than this server takes. Split it into parts and upload each."],
  "upload.refused.page_too_large": ["หน้าเอกสารหรือภาพมีขนาดใหญ่เกินกว่าที่เซิร์ฟเวอร์นี้แสดงได้ โปรดส่งออกเอกสารใหม่เป็นขนาดกระดาษปกติ หรือลดขนาดภาพ แล้วอัปโหลด", "A page or the image is larger than this server shows. Export the document again at a normal paper size, or make the image smaller, and upload that."],
  "upload.refused.page_timeout": ["หน้าเอกสารซับซ้อนเกินไป ใช้เวลาวาดนานเกินกำหนด โปรดส่งออกเอกสารใหม่โดยลดขนาดภาพ แล้วอัปโหลด", "A page took too long to draw: it is far more complex than a normal page. Export the document again with smaller images and upload that."],
  "upload.refused.inspect_timeout": ["การตรวจไฟล์ใช้เวลานานเกินกำหนด ไฟล์อาจเสียหาย โปรดพิมพ์หรือบันทึกเป็น PDF ใหม่แล้วอัปโหลด", "Checking the file took too long: it may be damaged. Print or save it to a new PDF and upload that."],
  "upload.refused.worker_crashed": ["โปรแกรมที่อ่านไฟล์หยุดทำงานกะทันหัน ไฟล์อาจเสียหาย โปรดพิมพ์หรือบันทึกเป็น PDF ใหม่แล้วอัปโหลด", "The program reading the file stopped unexpectedly: the file may be damaged. Print or save it to a new PDF and upload that."],
  "upload.refused.out_of_memory": ["การอ่านไฟล์ต้องใช้หน่วยความจำเกินกำหนด อาจมีภาพขนาดใหญ่มาก โปรดส่งออกเอกสารใหม่โดยลดขนาดภาพ แล้วอัปโหลด", "Reading the file needed more memory than a document may use: a picture in it may be enormous. Export it again with smaller images and upload that."],
  "upload.refused.office_unavailable": ["เซิร์ฟเวอร์นี้แปลงไฟล์ Word, Excel และ PowerPoint ไม่ได้ โปรดอัปโหลดเป็น PDF (บันทึกหรือส่งออกเอกสารเป็น PDF)", "Word, Excel and PowerPoint files cannot be converted on this server: upload a PDF (save or export the document as PDF)."],
  "upload.refused.office_failed": ["LibreOffice แปลงไฟล์นี้ไม่สำเร็จ โปรดเปิดด้วยโปรแกรมที่สร้างไฟล์ บันทึกเป็น PDF แล้วอัปโหลด", "LibreOffice could not convert the file. Open it in the program that made it, save it as PDF and upload that."],
  "upload.refused.pool_closed": ["เซิร์ฟเวอร์กำลังปิดระบบ โปรดลองใหม่อีกครู่", "The server is shutting down; try again in a moment."],
  "upload.refused.no_such_page": ["ไม่มีหน้านี้ในเอกสาร", "There is no such page in the document."],
  // the other refusals of an upload (docs/protocol.md, 14.2): never the server's English words
  "upload.refused.rate_limited": ["อัปโหลดมากเกินไปในช่วงนี้ โปรดลองใหม่ในอีก {s} วินาที", "Too many uploads just now: try again in {s} s."],
  "upload.refused.forbidden": ["เฉพาะประธานและเลขานุการเท่านั้นที่อัปโหลดเอกสารได้", "Only the chair and the secretaries may upload documents."],
  "upload.refused.forbidden_origin": ["รับการอัปโหลดจากหน้าของเซิร์ฟเวอร์นี้เท่านั้น โปรดเปิดหน้านี้จากลิงก์คำเชิญ", "Uploads are taken only from this server's own pages: open this page from the invitation link."],
  "upload.refused.unauthorized": ["อุปกรณ์นี้ยังไม่ได้เข้าสู่การประชุม โปรดเปิดลิงก์คำเชิญอีกครั้ง", "This device is not signed in to the meeting: open the invitation link again."],
  "upload.refused.not_multipart": ["เบราว์เซอร์ส่งไฟล์ในรูปแบบที่เซิร์ฟเวอร์ไม่รับ โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง", "The browser sent the file in a form the server does not take: reload the page and try again."],
  "upload.refused.bad_form": ["ข้อมูลที่ส่งมาไม่ถูกต้องหรือขาดหาย โปรดโหลดหน้าใหม่แล้วลองอีกครั้ง", "What was sent was damaged or incomplete: reload the page and try again."],
  "upload.refused.no_file": ["ไม่ได้รับไฟล์ครบถ้วน โปรดเลือกไฟล์แล้วอัปโหลดอีกครั้ง", "The file did not arrive whole: choose it and upload it again."],
  "upload.refused.meeting_closed": ["ปิดประชุมแล้ว จึงเพิ่มเอกสารไม่ได้", "The meeting is closed: no documents can be added."],
  "upload.refused.unknown_agenda_item": ["ไม่พบวาระที่เลือก โปรดเลือกวาระแล้วอัปโหลดอีกครั้ง", "The chosen agenda item does not exist: choose an item and upload again."],
  "upload.refused.document_exists": ["มีเอกสารนี้อยู่แล้ว โปรดอัปโหลดอีกครั้ง", "A document with this id exists already: upload again."],
  "upload.refused.internal_error": ["เซิร์ฟเวอร์บันทึกเอกสารไม่สำเร็จ โปรดลองใหม่อีกครู่", "The server could not store the document: try again in a moment."],
  "upload.refused.network": ["การเชื่อมต่อขาดระหว่างอัปโหลด โปรดตรวจเครือข่ายแล้วลองอีกครั้ง", "The connection broke during the upload: check the network and try again."],
  "upload.refused.http": ["เซิร์ฟเวอร์ไม่รับไฟล์ (HTTP {status}) โปรดลองใหม่อีกครู่ หรือแจ้งผู้ดูแลระบบ", "The server did not take the file (HTTP {status}): try again in a moment, or tell the administrator."],
};
