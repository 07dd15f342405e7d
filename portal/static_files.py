"""Fingerprinted static URLs: `url_for('static', filename=...)` adds `?v=<content hash>`.

A new release changes the hash of every file it changes, so nginx can let browsers keep
static files for a year (deploy/nginx/portal.conf caches a `v` URL as immutable) and a
change still reaches everyone at once. The hash follows the file's content: it is
recomputed when the file's size or modification time changes.
"""

import hashlib
from pathlib import Path

from flask import Flask

#: Hex digits of the SHA-256 of the content: 48 bits, plenty to tell releases apart.
VERSION_LENGTH = 12


class StaticVersions:
    """Content hashes of the files in one static folder, kept while the files stay the same."""

    def __init__(self, folder: str | Path):
        self.folder = Path(folder).resolve()
        self._known: dict[str, tuple[int, int, str]] = {}

    def version(self, filename: str) -> str | None:
        """The file's content hash, or None for a name outside the folder or no file."""
        path = (self.folder / filename).resolve()
        if not path.is_relative_to(self.folder):
            return None
        try:
            stat = path.stat()
        except OSError:
            return None
        known = self._known.get(filename)
        if known and known[:2] == (stat.st_mtime_ns, stat.st_size):
            return known[2]
        digest = hashlib.sha256(path.read_bytes()).hexdigest()[:VERSION_LENGTH]
        self._known[filename] = (stat.st_mtime_ns, stat.st_size, digest)
        return digest


def register(app: Flask) -> None:
    versions = StaticVersions(app.static_folder)

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and (name := values.get("filename")):
            if version := versions.version(name):
                values["v"] = version
