"""Where uploaded files live: a private local directory (the default) or S3-compatible
object storage (MinIO, Ceph, a cloud provider's S3 API), chosen by `STORAGE_URL`.

Keys are the random stored names of attachments (`<32 hex>.pdf`); nothing is ever public:
files leave only through `send`, after the portal's own access checks. With
`STORAGE_URL=s3://bucket/prefix` the endpoint, region and credentials come the standard
boto3 way (`AWS_ENDPOINT_URL`, `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`,
`AWS_DEFAULT_REGION`, or an instance role), so several app servers share one store.
"""

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from flask import Flask, current_app, send_file
from flask_babel import lazy_gettext as _l

log = logging.getLogger("portal.storage")

#: What a key may look like: no path, no dots but the extension's (nothing can escape
#: the directory or the prefix whatever a row says).
KEY = re.compile(r"[0-9a-f]{16,64}\.[a-z]{2,4}")
EXTENSION_KEY = "portal.storage"


class StorageError(Exception):
    """The file store could not do what was asked; answered with a 503 page."""

    message = _l(
        "The file store cannot be reached at the moment. Nothing was sent: "
        "wait a few minutes and try again, or call the office."
    )


class StorageUnavailable(StorageError):
    """The store is down, refuses us, or timed out."""


class StoredFileMissing(StorageError):
    """A key that a row names is not in the store."""

    message = _l(
        "This file cannot be read at the moment. The office has been told; "
        "try again later or ask the office for a copy."
    )


def checked_key(key: str) -> str:
    if not KEY.fullmatch(key or ""):
        raise StoredFileMissing(f"not a storage key: {key!r}")
    return key


class Storage(Protocol):
    """What a file store does; keys are attachments' random stored names."""

    def describe(self) -> str: ...
    def put(self, key: str, data: bytes, content_type: str) -> None: ...
    def get(self, key: str) -> bytes: ...
    def delete(self, key: str) -> None: ...
    def keys(self) -> Iterator[str]: ...
    #: A download response (inline for a page that shows an image); call it only after
    #: the portal's access check.
    def send(self, key: str, mimetype: str, download_name: str, *, inline: bool = False): ...


class LocalStorage:
    """Files in one private directory of this machine (the embedded default)."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder)

    def describe(self) -> str:
        return f"directory {self.folder}"

    def put(self, key: str, data: bytes, content_type: str) -> None:
        path = self.folder / checked_key(key)
        partial = path.with_name(path.name + ".part")
        try:
            partial.write_bytes(data)
            partial.replace(path)  # a reader never sees half a file
        except OSError as error:
            partial.unlink(missing_ok=True)
            raise StorageUnavailable(f"cannot write {key}: {error.strerror}") from None

    def get(self, key: str) -> bytes:
        try:
            return (self.folder / checked_key(key)).read_bytes()
        except FileNotFoundError:
            raise StoredFileMissing(key) from None
        except OSError as error:
            raise StorageUnavailable(f"cannot read {key}: {error.strerror}") from None

    def delete(self, key: str) -> None:
        (self.folder / checked_key(key)).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        return (p.name for p in sorted(self.folder.iterdir()) if KEY.fullmatch(p.name))

    def send(self, key: str, mimetype: str, download_name: str, *, inline: bool = False):
        path = self.folder / checked_key(key)
        if not path.is_file():
            raise StoredFileMissing(key)
        return send_file(
            path, mimetype=mimetype, as_attachment=not inline, download_name=download_name, max_age=0
        )


class S3Storage:
    """Objects in one bucket under a prefix, private (no ACL is ever set: bucket default)."""

    def __init__(self, bucket: str, prefix: str = "", client=None):
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        self.client = client or _s3_client()

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _name(self, key: str) -> str:
        return self.prefix + checked_key(key)

    def put(self, key: str, data: bytes, content_type: str) -> None:
        with _s3_errors(key):
            self.client.put_object(
                Bucket=self.bucket, Key=self._name(key), Body=data, ContentType=content_type
            )

    def _get(self, key: str):
        with _s3_errors(key):
            return self.client.get_object(Bucket=self.bucket, Key=self._name(key))

    def get(self, key: str) -> bytes:
        obj = self._get(key)
        with _s3_errors(key):
            return obj["Body"].read()

    def delete(self, key: str) -> None:
        with _s3_errors(key):
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self) -> Iterator[str]:
        with _s3_errors("(listing)"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix
            )
            for page in pages:
                for item in page.get("Contents", ()):
                    name = item["Key"][len(self.prefix) :]
                    if KEY.fullmatch(name):
                        yield name

    def send(self, key: str, mimetype: str, download_name: str, *, inline: bool = False):
        """Stream the object through the app (the access check has been made by the caller)."""
        obj = self._get(key)
        response = send_file(
            obj["Body"], mimetype=mimetype, as_attachment=not inline, download_name=download_name, max_age=0
        )
        response.content_length = obj["ContentLength"]
        return response


@contextmanager
def _s3_errors(key: str):
    """botocore's errors as ours: a missing key, or a store that is not answering."""
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        yield
    except ClientError as error:
        code = error.response.get("Error", {}).get("Code", "")
        if code in ("NoSuchKey", "404", "NotFound"):
            raise StoredFileMissing(key) from None
        raise StorageUnavailable(f"object store refused {key}: {code}") from None
    except (BotoCoreError, OSError) as error:
        raise StorageUnavailable(f"object store unreachable for {key}: {type(error).__name__}") from None


def _s3_client():
    import boto3
    from botocore.config import Config

    # Short timeouts and few retries: a person waiting on a form gets the 503 page in
    # seconds, not after a minute of retries.
    return boto3.client(
        "s3",
        config=Config(connect_timeout=3, read_timeout=20, retries={"max_attempts": 2, "mode": "standard"}),
    )


def storage_for(url: str | None, upload_folder: str) -> Storage:
    """The backend a `STORAGE_URL` names: `s3://bucket/prefix`, or none for the directory."""
    if not url:
        return LocalStorage(upload_folder)
    parts = urlsplit(url)
    if parts.scheme == "s3" and parts.netloc:
        return S3Storage(parts.netloc, parts.path)
    if parts.scheme == "file":
        return LocalStorage(parts.path)
    raise ValueError(f"STORAGE_URL: use s3://bucket/prefix or leave it unset, not {url!r}")


def current() -> Storage:
    """The file store of the running app."""
    return current_app.extensions[EXTENSION_KEY]


def register(app: Flask) -> None:
    """Open the configured store and answer its failures with a clear 503 page."""
    store = storage_for(app.config.get("STORAGE_URL"), app.config["UPLOAD_FOLDER"])
    if isinstance(store, LocalStorage):
        store.folder.mkdir(parents=True, exist_ok=True)
    app.extensions[EXTENSION_KEY] = store

    @app.errorhandler(StorageError)
    def storage_error(error: StorageError):
        from portal.core.error_pages import render_error
        from portal.extensions import db

        # Nothing half-written stays: the request's transaction is dropped with the page.
        db.session.rollback()
        log.error("file store: %s (%s)", error, store.describe())
        return render_error(503, error.message)
