// Uploading a document file (docs/protocol.md section 14.2), for the chair's and the secretary's pages.

import { has, t } from "./i18n.js";

/**
 * Upload a file (PDF, PNG, JPEG…) as a new document of agenda item `item` (section 14.2), or
 * with `replaces` as the new version of that document.
 * onProgress({phase: "upload", loaded, total}) while sending, then {phase: "checking"}
 * while the server checks the file. Returns {promise, abort}; the promise resolves with the
 * server's answer ({document, title, file, pages, kind, sanitized, seq}) or rejects with an
 * Error that has `code`, `status`, `retryAfter` (seconds, or null) and the server's `message`.
 */
export function upload(client, file, { item, title = "", replaces = null, onProgress = () => {} } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    const fail = (code, message, status = 0) => {
      const err = new Error(message || code);
      err.code = code;
      err.status = status;
      const wait = Number.parseInt(xhr.getResponseHeader("Retry-After") || "", 10);
      err.retryAfter = Number.isFinite(wait) ? wait : null;
      reject(err);
    };
    xhr.open("POST", client.apiUrl("/documents"));
    xhr.withCredentials = true;
    xhr.responseType = "json";
    xhr.upload.onprogress = (e) => onProgress({ phase: "upload", loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
    xhr.upload.onload = () => onProgress({ phase: "checking" });
    xhr.onload = () => {
      const body = xhr.response;
      if (xhr.status === 201 && body) resolve(body);
      else if (body && body.code) fail(body.code, body.message, xhr.status);
      else fail(`http_${xhr.status}`, xhr.statusText, xhr.status);
    };
    xhr.onerror = () => fail("network", "network error");
    xhr.onabort = () => fail("aborted", "upload cancelled");
    const form = new FormData();
    form.append("item", item);
    if (title) form.append("title", title);
    if (replaces) form.append("replaces", replaces); // a new version of that document
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}

/** Why an upload failed, in the page's language: a sentence per refusal code (the server's
 * `message` is English and is never shown), else the page's words for the code, else by status. */
export function refusalText(err) {
  const code = String(err.code || "");
  if (code === "aborted") return t("upload.cancel");
  if (code === "rate_limited" && err.retryAfter == null) return t("err.rate_limited");
  if (has(`upload.refused.${code}`)) return t(`upload.refused.${code}`, { s: String(err.retryAfter) });
  if (has(`err.${code}`)) return t(`err.${code}`);
  if (err.status === 413) return t("upload.refused.file_too_large"); // a proxy's limit, before ours
  return t("upload.refused.http", { status: String(err.status || code) });
}

/** Whether `file` is an office document by its name or type (`types`: the picker's office list). */
export function isOffice(file, types) {
  const name = String(file.name || "").toLowerCase();
  return types.some((type) => (type.startsWith(".") ? name.endsWith(type) : file.type === type));
}
