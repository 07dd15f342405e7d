"""The files half of a backup (deploy/backup.sh dumps the database, then runs backup-files).

`backup-files --to DIR` copies every stored file into a directory (incremental: a file
already there with the same size is skipped); `restore-files --from DIR` puts them into
the configured store, whichever backend, and then checks that every row naming a file
finds it (exit status 1 when one does not).
"""

from pathlib import Path

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from portal.core import storage
from portal.extensions import db

CONTENT_TYPES = {".pdf": "application/pdf", ".jpg": "image/jpeg", ".png": "image/png"}


def referenced_keys() -> set[str]:
    """The stored names of every file a row points at: every model with a `stored_name`
    column (attachments, staged uploads, enterprise documents, and any a capability adds),
    found in the mapped models, so the core names none of the packages above it."""
    keys: set[str] = set()
    for model in file_models():
        keys.update(db.session.scalars(select(model.stored_name)))
    return keys


def file_models() -> list[type]:
    """The mapped models that keep a stored file's name (a `stored_name` column)."""
    models = (mapper.class_ for mapper in db.Model.registry.mappers)
    with_files = (m for m in models if hasattr(m, "__table__") and "stored_name" in m.__table__.c)
    return sorted(with_files, key=lambda m: m.__name__)


def missing_files() -> list[str]:
    """Keys that rows name but the store does not hold."""
    return sorted(referenced_keys() - set(storage.current().keys()))


@click.command("backup-files")
@click.option(
    "--to",
    "target",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Directory to copy the files into (created if needed).",
)
@with_appcontext
def backup_files_command(target: Path):
    """Copy every stored file into a directory (run it after pg_dump: deploy/backup.sh)."""
    store = storage.current()
    target.mkdir(parents=True, exist_ok=True)
    copied = kept = 0
    for key in store.keys():
        path = target / key
        if path.exists():
            kept += 1
            continue  # keys are random and files never change: same name, same file
        data = store.get(key)
        partial = path.with_name(key + ".part")
        partial.write_bytes(data)
        partial.replace(path)
        copied += 1
    click.echo(f"copied {copied} file(s) from {store.describe()} to {target}; {kept} already there")


@click.command("restore-files")
@click.option(
    "--from",
    "source",
    required=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="A directory written by backup-files.",
)
@with_appcontext
def restore_files_command(source: Path):
    """Put backed-up files into the configured store, then check every row finds its file."""
    store = storage.current()
    present = set(store.keys())
    restored = 0
    for path in sorted(source.iterdir()):
        if storage.KEY.fullmatch(path.name) and path.name not in present:
            store.put(
                path.name, path.read_bytes(), CONTENT_TYPES.get(path.suffix, "application/octet-stream")
            )
            restored += 1
    click.echo(f"restored {restored} file(s) into {store.describe()}")
    if missing := missing_files():
        raise click.ClickException(
            f"{len(missing)} file(s) named in the database are not in the store, "
            f"e.g. {', '.join(missing[:5])}"
        )
    click.echo("every file named in the database is in the store")


COMMANDS = (backup_files_command, restore_files_command)
