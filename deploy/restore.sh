#!/bin/sh
# Restore a backup written by deploy/backup.sh into an EMPTY database (DATABASE_URL) and
# an empty store (STORAGE_URL or UPLOAD_FOLDER), then check that every request finds its
# files (exit status 1 when one does not).
#   deploy/restore.sh /var/backups/portal/latest
set -eu
dir=${1:?usage: restore.sh DIR/<time>}
url=${DATABASE_URL:?DATABASE_URL is not set}
case "$url" in
  postgres://* | postgresql://* | postgresql+psycopg://*)
    pg_restore --no-owner --no-privileges --exit-on-error \
      --dbname="$(printf '%s' "$url" | sed 's|^postgresql+psycopg:|postgresql:|; s|^postgres:|postgresql:|')" \
      "$dir/portal.dump" ;;
  sqlite:///*)
    target="${url#sqlite:///}"
    [ ! -s "$target" ] || { echo "restore.sh: $target is not empty" >&2; exit 1; }
    cp "$dir/portal.sqlite3" "$target" ;;
  *) echo "restore.sh: cannot restore into $url" >&2; exit 1 ;;
esac
# A dump of an older release: bring the schema up to this one.
flask --app portal db upgrade
flask --app portal restore-files --from "$dir/../files"
