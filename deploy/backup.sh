#!/bin/sh
# Back up the portal into DIR: the database (pg_dump, custom format) into DIR/<UTC time>/,
# then every stored file into DIR/files/ (incremental: stored files never change).
#   deploy/backup.sh /var/backups/portal        (the environment of /etc/portal/portal.env)
# The database goes first: files are stored before their rows commit, so every file a
# dumped row names is already in the store when the files are copied.
# Restore: deploy/restore.sh DIR/<time> into an empty database and an empty store.
set -eu
root=${1:?usage: backup.sh DIR}
url=${DATABASE_URL:?DATABASE_URL is not set}
stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest="$root/$stamp"
mkdir -p "$dest"
case "$url" in
  postgres://* | postgresql://* | postgresql+psycopg://*)
    pg_dump --format=custom --no-owner --no-privileges --file="$dest/portal.dump" \
      "$(printf '%s' "$url" | sed 's|^postgresql+psycopg:|postgresql:|; s|^postgres:|postgresql:|')" ;;
  sqlite:///*)
    # SQLite's online backup: a consistent copy while the portal keeps writing.
    python -c 'import sqlite3, sys; d = sqlite3.connect(sys.argv[2]); sqlite3.connect(sys.argv[1]).backup(d); d.close()' \
      "${url#sqlite:///}" "$dest/portal.sqlite3" ;;
  *) echo "backup.sh: cannot dump $url" >&2; exit 1 ;;
esac
flask --app portal backup-files --to "$root/files"
ln -sfn "$stamp" "$root/latest"
# Keep KEEP_DAYS of database dumps (files stay: an old dump may name them).
find "$root" -mindepth 1 -maxdepth 1 -name '20*' -type d -mtime +"${KEEP_DAYS:-30}" -exec rm -rf {} +
echo "backup.sh: database in $dest, files in $root/files"
