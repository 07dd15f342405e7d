"""Fingerprinted static URLs: `url_for('static', filename=...)` adds `?v=<content hash>`.

A new release changes the hash of every file it changes, so nginx can let browsers keep
static files for a year (deploy/nginx/portal.conf caches a `v` URL as immutable) and a
change still reaches everyone at once. The hash follows the file's content: it is
recomputed when the file's size or modification time changes.
"""

import hashlib
import time
from pathlib import Path

from flask import Flask

#: Hex digits of the SHA-256 of the content: 48 bits, plenty to tell releases apart.
VERSION_LENGTH = 12


class StaticVersions:
    """Content hashes of the files in one static folder, kept while the files stay the same."""

    def __init__(self, folder: str | Path, recheck_after: float = 0.0):
        """`recheck_after`: seconds during which a known file's hash is reused without
        looking at the file again (every page links several static files, and resolving
        and stat-ing each one on each page cost 3% of a page's time)."""
        self.folder = Path(folder).resolve()
        self.recheck_after = recheck_after
        self._known: dict[str, tuple[int, int, str]] = {}
        self._checked: dict[str, float] = {}

    def version(self, filename: str) -> str | None:
        """The file's content hash, or None for a name outside the folder or no file."""
        if self.recheck_after and filename in self._known:
            if time.monotonic() - self._checked.get(filename, 0.0) < self.recheck_after:
                return self._known[filename][2]
        self._checked[filename] = time.monotonic()
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
    versions = StaticVersions(app.static_folder, recheck_after=1.0)

    @app.url_defaults
    def fingerprint_static(endpoint: str, values: dict) -> None:
        if endpoint == "static" and "v" not in values and (name := values.get("filename")):
            if version := versions.version(name):
                values["v"] = version
