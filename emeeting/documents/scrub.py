"""Removing what could act when a PDF is opened in a reader. Worker side only (it uses PyMuPDF).

Tablets only ever see our images, but people download the PDF too (the original, and their
annotated papers, which are built from it). What is removed:

- scripts (``/JavaScript`` actions, any action with ``/JS``, the document's script name tree),
  programs (``/Launch``), attached files (``/EmbeddedFiles``, file-attachment annotations), XFA
  forms and every trigger (``/AA``: on open, close, focus, keystroke...);
- **remote actions**, which make a reader reach outside the file: ``/GoToR`` and ``/GoToE``
  (open another file: a UNC path ``\\\\host\\share`` makes Windows send the user's password
  hash), ``/SubmitForm`` and ``/ImportData`` (post or fetch form data), ``/Thread`` (of another
  file), ``/RichMediaExecute``, and ``/URI`` unless it is a web or mail link (``http:``,
  ``https:``, ``mailto:``); ``file:``, ``smb:``, UNC and relative URIs go;
- the document's ``/OpenAction`` unless it only goes to a place in the file (a web link that
  opens itself is a beacon).

Wherever they are: link annotations, form fields, bookmarks, action chains (``/Next``), inline
or as objects of their own. An inline action is deleted from its dictionary (the link or
bookmark stays, inert); an action object is replaced by null. Objects MuPDF cannot parse are
skipped: the file is always saved again afterwards, garbage-collected, so they are not kept.
"""

from __future__ import annotations

import re
from typing import Any

from emeeting.documents.mupdf import is_out_of_memory, load

fitz = load()
mupdf = fitz.mupdf

KINDS = {
    "JavaScript": "javascript",
    "Launch": "launch",
    "GoToR": "remote_actions",
    "GoToE": "remote_actions",
    "SubmitForm": "remote_actions",
    "ImportData": "remote_actions",
    "Thread": "remote_actions",
    "RichMediaExecute": "remote_actions",
}
"""Action types (``/S``) removed wherever they are, and the label each is reported under."""
WEB_LINK = re.compile(r"(?i)\s*(https?://|mailto:)")
MENTIONS = re.compile(
    r"/(JavaScript|JS|Launch|GoToR|GoToE|SubmitForm|ImportData|Thread|RichMediaExecute|URI|AA|EmbeddedFile|EF|FileAttachment)\b"
)
"""Words without which an object holds nothing to remove: the others are not walked."""


class Wrecked(Exception):
    """Reading a broken object made MuPDF rebuild the file's index, and the rebuild failed: the
    open document is unusable. Open the file again and null the objects in ``bad`` first."""


def scrub(doc: Any, bad: set[int]) -> tuple[str, ...]:
    """Remove active content (see the module doc); what kinds were found, sorted.

    Objects MuPDF cannot parse are added to ``bad`` and skipped (the caller saves the file
    without them); Wrecked when one of them broke the document (see there).
    """
    found: set[str] = set()
    catalog = int(doc.pdf_catalog())
    pages, length = int(doc.page_count), int(doc.xref_length())
    for xref in bad:
        doc.update_object(xref, "null")  # never parsed: MuPDF only replaces the entry
    for path, label in (("Names/JavaScript", "javascript"), ("Names/EmbeddedFiles", "embedded_files")):
        if _key_type(doc, catalog, path) != "null":
            _delete(doc, catalog, path)
            found.add(label)
    if _key_type(doc, catalog, "AcroForm/XFA") != "null":
        _delete(doc, catalog, "AcroForm/XFA")  # XFA forms carry their own scripts
        found.add("xfa")
    opening = _resolve(mupdf.pdf_dict_gets(_load(doc, catalog), "OpenAction"))
    if mupdf.pdf_is_dict(opening) and _name(opening, "S") != "GoTo":
        found.add(_verdict(opening) or "remote_actions")
        _delete(doc, catalog, "OpenAction")
    for xref in range(1, length):
        if xref in bad:
            continue
        try:
            text = str(doc.xref_object(xref, compressed=True))
        except (RuntimeError, ValueError, mupdf.FzErrorBase) as exc:
            if is_out_of_memory(exc):
                raise
            bad.add(xref)  # MuPDF cannot parse it: it is left out when the file is saved
            if int(doc.page_count) != pages or int(doc.xref_length()) < length:
                raise Wrecked(xref) from None
            continue
        if not MENTIONS.search(text):
            continue
        obj = _load(doc, xref)
        if not mupdf.pdf_is_dict(obj):
            _walk(obj, found)
            continue
        verdict = _verdict(obj)
        if verdict is not None:
            found.add(verdict)
            doc.update_object(xref, "null")  # whatever pointed at it now points at nothing
            continue
        if _name(obj, "Type") == "EmbeddedFile":
            doc.update_stream(xref, b"")
            found.add("embedded_files")
        attachment = _name(obj, "Subtype") == "FileAttachment"
        for key in ("EF", "FS") if attachment else ("EF",):  # where a file's bytes hang
            if not mupdf.pdf_is_null(mupdf.pdf_dict_gets(obj, key)):
                mupdf.pdf_dict_dels(obj, key)
                found.add("embedded_files")
        _walk(obj, found)
    for xref in bad:
        doc.update_object(xref, "null")  # so that saving never parses them again
    return tuple(sorted(found))


def _walk(root: Any, found: set[str]) -> None:
    """Delete the actions to remove, and every /AA, from the direct objects inside ``root``.

    References are not followed: each indirect object is visited once, on its own.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        if mupdf.pdf_is_dict(node):
            if not mupdf.pdf_is_null(mupdf.pdf_dict_gets(node, "AA")):
                found.add(_triggers(mupdf.pdf_dict_gets(node, "AA")))
                mupdf.pdf_dict_dels(node, "AA")
            doomed = []
            for i in range(mupdf.pdf_dict_len(node)):
                value = mupdf.pdf_dict_get_val(node, i)
                if mupdf.pdf_is_indirect(value):
                    continue
                verdict = _verdict(value) if mupdf.pdf_is_dict(value) else None
                if verdict is not None:
                    found.add(verdict)
                    doomed.append(mupdf.pdf_dict_get_key(node, i))
                elif mupdf.pdf_is_dict(value) or mupdf.pdf_is_array(value):
                    stack.append(value)
            for key in doomed:
                mupdf.pdf_dict_del(node, key)
        elif mupdf.pdf_is_array(node):
            for i in reversed(range(mupdf.pdf_array_len(node))):
                value = mupdf.pdf_array_get(node, i)
                if mupdf.pdf_is_indirect(value):
                    continue
                verdict = _verdict(value) if mupdf.pdf_is_dict(value) else None
                if verdict is not None:
                    found.add(verdict)
                    mupdf.pdf_array_delete(node, i)
                elif mupdf.pdf_is_dict(value) or mupdf.pdf_is_array(value):
                    stack.append(value)


def _verdict(action: Any) -> str | None:
    """The label an action dictionary is removed under, or None when it stays (or is no action)."""
    if not mupdf.pdf_is_null(mupdf.pdf_dict_gets(action, "JS")):
        return "javascript"  # a script action, or a rendition carrying one
    kind = _name(action, "S")
    if kind in KINDS:
        return KINDS[kind]
    if kind == "URI":
        uri = mupdf.pdf_dict_gets(action, "URI")
        target = str(mupdf.pdf_to_text_string(uri)) if mupdf.pdf_is_string(uri) else ""
        return None if WEB_LINK.match(target) else "remote_actions"
    return None


def _triggers(actions: Any) -> str:
    """The label of a removed /AA: what its actions are, else "javascript" (what triggers usually run)."""
    actions = _resolve(actions)
    labels = set()
    if mupdf.pdf_is_dict(actions):
        for i in range(mupdf.pdf_dict_len(actions)):
            value = _resolve(mupdf.pdf_dict_get_val(actions, i))
            if mupdf.pdf_is_dict(value):
                labels.add(_verdict(value) or "javascript")
    return min(labels) if len(labels) == 1 else "javascript"


def _key_type(doc: Any, xref: int, path: str) -> str:
    """The type of the value at ``path`` in object ``xref``; "null" when absent or unreadable
    (an unreadable one is left out when the file is saved)."""
    try:
        return str(doc.xref_get_key(xref, path)[0])
    except (RuntimeError, ValueError, mupdf.FzErrorBase) as exc:
        if is_out_of_memory(exc):
            raise
        return "null"


def _name(obj: Any, key: str) -> str:
    value = mupdf.pdf_dict_gets(obj, key)
    return str(mupdf.pdf_to_name(value)) if mupdf.pdf_is_name(value) else ""


def _resolve(obj: Any) -> Any:
    """The object a reference points at; PyMuPDF's pdf_dict_gets already resolves, this is for
    values taken out of dictionaries by position."""
    return mupdf.pdf_resolve_indirect(obj) if mupdf.pdf_is_indirect(obj) else obj


def _load(doc: Any, xref: int) -> Any:
    return mupdf.pdf_load_object(fitz._as_pdf_document(doc), xref)


def _delete(doc: Any, xref: int, path: str) -> None:
    """Delete the key at ``path`` ("Names/JavaScript") in object ``xref``, following references.

    PyMuPDF's ``xref_set_key(..., "null")`` leaves "/Key null" behind; MuPDF's own
    pdf_dict_dels removes the entry.
    """
    target = _load(doc, xref)
    *parents, key = path.split("/")
    for name in parents:
        target = mupdf.pdf_dict_gets(target, name)
    if mupdf.pdf_is_dict(target):
        mupdf.pdf_dict_dels(target, key)
