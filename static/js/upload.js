// Uploading a document file (docs/protocol.md section 14.2), for the chair's and the secretary's pages.

/**
 * Upload a file (PDF, PNG, JPEG…) as a new document of agenda item `item` (section 14.2).
 * onProgress({phase: "upload", loaded, total}) while sending, then {phase: "checking"}
 * while the server checks the file. Returns {promise, abort}; the promise resolves with the
 * server's answer ({document, title, file, pages, kind, sanitized, seq}) or rejects with an
 * Error that has `code`, `status` and the server's `message`.
 */
export function upload(client, file, { item, title = "", onProgress = () => {} } = {}) {
  const xhr = new XMLHttpRequest();
  const promise = new Promise((resolve, reject) => {
    const fail = (code, message, status = 0) => {
      const err = new Error(message || code);
      err.code = code;
      err.status = status;
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
    form.append("file", file, file.name);
    xhr.send(form);
  });
  return { promise, abort: () => xhr.abort() };
}
