"""Uploads: checked by content (PDF, JPEG, PNG), limited in size and pixels, stored privately
(in the file store of `portal.core.storage`: a local directory or S3-compatible storage)."""

import re
import secrets
import struct
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from flask import abort, current_app, session
from flask_babel import lazy_gettext as _l
from sqlalchemy import select, update
from werkzeug.datastructures import FileStorage
from wtforms.validators import ValidationError

from portal.core import storage
from portal.core.clock import utcnow
from portal.core.models import Attachment, PendingUpload, ServiceRequest
from portal.extensions import db

SIGNATURES = (
    (b"%PDF-", "application/pdf", ".pdf"),
    (b"\xff\xd8\xff", "image/jpeg", ".jpg"),
    (b"\x89PNG\r\n\x1a\n", "image/png", ".png"),
)


@dataclass
class CheckedUpload:
    """An upload that passed the checks, held in memory until the form is saved."""

    original_name: str
    content_type: str
    data: bytes


def sniff(data: bytes) -> str | None:
    """Return the content type that the bytes really are, or None."""
    for magic, content_type, _ext in SIGNATURES:
        if data.startswith(magic):
            return content_type
    return None


def image_pixels(data: bytes, content_type: str) -> int | None:
    """Width × height from the image header, without decoding the image."""
    if content_type == "image/png" and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width * height
    if content_type == "image/jpeg":
        i = 2
        while i + 9 < len(data):
            if data[i] != 0xFF:
                return None
            marker = data[i + 1]
            length = struct.unpack(">H", data[i + 2 : i + 4])[0]
            # SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                height, width = struct.unpack(">HH", data[i + 5 : i + 9])
                return width * height
            i += 2 + length
    return None


def check_upload(storage: FileStorage) -> CheckedUpload:
    """Read one upload and return it, or raise ValidationError with the reason."""
    config = current_app.config
    max_bytes = config["UPLOAD_MAX_BYTES"]
    data = storage.stream.read(max_bytes + 1)
    name = storage.filename or "file"
    if len(data) > max_bytes:
        raise ValidationError(
            _l("%(name)s is larger than %(size)s MB.", name=name, size=max_bytes // (1024 * 1024))
        )
    if not data:
        raise ValidationError(_l("%(name)s is empty.", name=name))
    content_type = sniff(data)
    if content_type is None:
        raise ValidationError(_l("%(name)s is not a PDF, JPEG or PNG file.", name=name))
    if content_type != "application/pdf":
        pixels = image_pixels(data, content_type)
        if pixels is None or pixels > config["UPLOAD_MAX_PIXELS"]:
            raise ValidationError(_l("%(name)s cannot be read as an image of a reasonable size.", name=name))
    return CheckedUpload(original_name=name[:200], content_type=content_type, data=data)


class AcceptedUploads:
    """WTForms validator for a MultipleFileField: PDF/JPEG/PNG, size and count limits."""

    def __call__(self, form, field):
        files = [f for f in (field.data or []) if isinstance(f, FileStorage) and f.filename]
        limit = current_app.config["UPLOAD_MAX_FILES"]
        already = getattr(form, "existing_attachment_count", 0)
        if len(files) + already > limit:
            raise ValidationError(_l("Attach at most %(limit)s files in all.", limit=limit))
        field.checked = [check_upload(f) for f in files]


def upload_folder() -> Path:
    """The local directory of the default store (unused with STORAGE_URL=s3://...)."""
    return Path(current_app.config["UPLOAD_FOLDER"])


UPLOAD_SESSION_KEY = "upload_key"
#: Unclaimed staged files older than this are removed by `purge-uploads`.
PENDING_LIFETIME = timedelta(hours=24)


def _session_key() -> str:
    if UPLOAD_SESSION_KEY not in session:
        session[UPLOAD_SESSION_KEY] = secrets.token_hex(16)
    return session[UPLOAD_SESSION_KEY]


def stage(uploads: list[CheckedUpload]) -> list[PendingUpload]:
    """Store checked files and record them as pending, in a transaction of their own.

    Call it before the request's own work: it commits, so a submission that fails later
    keeps its files for the next try, and nothing is left in the store without a row.
    A store that is down raises `storage.StorageError` (a 503 page) before anything is
    committed: no request is created without its files.
    """
    rows = []
    store = storage.current()
    for upload in uploads:
        extension = next(ext for _m, ctype, ext in SIGNATURES if ctype == upload.content_type)
        row = PendingUpload(
            token=secrets.token_hex(16),
            session_key=_session_key(),
            stored_name=secrets.token_hex(16) + extension,
            original_name=upload.original_name,
            content_type=upload.content_type,
            size=len(upload.data),
            created_at=utcnow(),
        )
        db.session.add(row)
        db.session.flush()  # the row exists before the file: purge-uploads can always find it
        try:
            store.put(row.stored_name, upload.data, upload.content_type)
        except storage.StorageError:
            db.session.rollback()
            for done in rows:  # the rows are gone: so must their files be
                _forget(store, done.stored_name)
            raise
        rows.append(row)
    db.session.commit()
    return rows


def wanted_tokens(tokens: list[str]) -> list[str]:
    """The well-formed staged-file tokens a form sent back, without repeats."""
    return list(dict.fromkeys(t for t in tokens if t and len(t) == 32))[:20]


def staged(tokens: list[str]) -> list[PendingUpload]:
    """The pending files of this browser session named by the form's hidden tokens."""
    key = session.get(UPLOAD_SESSION_KEY)
    wanted = wanted_tokens(tokens)
    if not key or not wanted:
        return []
    return list(
        db.session.scalars(
            select(PendingUpload)
            .where(PendingUpload.token.in_(wanted), PendingUpload.session_key == key)
            .order_by(PendingUpload.id)
        )
    )


def take_over(tokens: list[str]) -> None:
    """Give staged files to this browser session (a draft opened here by a code or PIN)."""
    if tokens:
        db.session.execute(
            update(PendingUpload).where(PendingUpload.token.in_(tokens)).values(session_key=_session_key())
        )


def discard(tokens: list[str]) -> int:
    """Remove staged files now (a draft deleted): rows first, then their files; how many."""
    rows = (
        list(db.session.scalars(select(PendingUpload).where(PendingUpload.token.in_(tokens))))
        if tokens
        else []
    )
    for row in rows:
        db.session.delete(row)
    db.session.commit()
    store = storage.current()
    for row in rows:
        _forget(store, row.stored_name)
    return len(rows)


def claim_all(
    service_request: ServiceRequest, pending: list[PendingUpload], *, purpose: str, by_applicant: bool = True
) -> list[Attachment]:
    """Turn staged files into the request's attachments, in the request's transaction."""
    attachments = []
    for row in pending:
        attachment = Attachment(
            request_id=service_request.id,
            stored_name=row.stored_name,
            original_name=row.original_name,
            content_type=row.content_type,
            size=row.size,
            purpose=purpose,
            uploaded_by_applicant=by_applicant,
            created_at=utcnow(),
        )
        db.session.add(attachment)
        db.session.delete(row)
        attachments.append(attachment)
    return attachments


def adopt(row: PendingUpload) -> dict:
    """Take a staged file for another owner than a request (e.g. an enterprise's licence):
    its file fields, with the pending row removed in the caller's transaction."""
    fields = {
        "stored_name": row.stored_name,
        "original_name": row.original_name,
        "content_type": row.content_type,
        "size": row.size,
    }
    db.session.delete(row)
    return fields


def stage_checked(data: dict) -> dict:
    """Stage every list of checked uploads in a transition's data (before `perform`)."""
    return {
        key: stage(value)
        if isinstance(value, list) and value and isinstance(value[0], CheckedUpload)
        else value
        for key, value in data.items()
    }


def purge_unclaimed(now: datetime | None = None) -> int:
    """Remove staged files that no request claimed in time, except those a live intake
    still holds (issue #27); returns how many."""
    from portal.core import intake_state

    cutoff = (now or utcnow()) - PENDING_LIFETIME
    held = intake_state.held_tokens(now)
    intake_state.purge(now)
    old = [
        row
        for row in db.session.scalars(select(PendingUpload).where(PendingUpload.created_at < cutoff))
        if row.token not in held
    ]
    for row in old:
        db.session.delete(row)
    db.session.commit()
    store = storage.current()
    for row in old:  # files go only once their rows are gone for good
        _forget(store, row.stored_name)
    return len(old)


def _forget(store, key: str) -> None:
    """Delete a file whose row is gone; a store that is down leaves it for a later sweep."""
    try:
        store.delete(key)
    except storage.StorageError as error:
        storage.log.warning("file store: could not delete %s: %s", key, error)


def download(service_request: ServiceRequest, attachment_id: int):
    """Serve one file of this request (404 for a file of another request)."""
    attachment = db.session.scalar(
        select(Attachment).where(Attachment.id == attachment_id, Attachment.request_id == service_request.id)
    )
    if attachment is None:
        abort(404)
    return send_attachment(attachment)


def send_attachment(attachment):
    """Serve a file as a download, never inline (the browser must not render it here)."""
    # Keep Chinese names (werkzeug encodes them per RFC 6266); drop path and header characters.
    download_name = (
        re.sub(r'[\\/\r\n"\x00]', "_", attachment.original_name).strip(". ") or attachment.stored_name
    )
    if not download_name.lower().endswith(Path(attachment.stored_name).suffix):
        download_name += Path(attachment.stored_name).suffix
    return storage.current().send(attachment.stored_name, attachment.content_type, download_name)
