#!/usr/bin/env bash
# A private PostgreSQL server for the JDBC- and REST-catalog tests (and for trying those catalogs by
# hand): Debian's postgresql binaries, a new cluster in a new folder under /tmp, listening on
# 127.0.0.1:PORT only, one user corpusqa with the given password. As root the server runs as the
# postgres user, since PostgreSQL refuses to run as root (hence a folder it can reach).
#   tools/local-postgres.sh start PORT PASSWORD   prints the server's folder and the JDBC URL of
#                                                 database postgres, on one line
#   tools/local-postgres.sh stop DIR              stops it and removes the folder
set -euo pipefail
bin="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)"
if [[ -z "$bin" || ! -x "$bin/initdb" ]]; then
  echo "local-postgres: PostgreSQL server binaries not found; install them: apt-get install postgresql" >&2
  exit 3
fi
as_owner=()
[[ "$(id -u)" == 0 ]] && as_owner=(runuser -u postgres --)
case "${1:-}" in
  start)
    port="$2" password="$3"
    dir="$(mktemp -d /tmp/corpusqa-postgres.XXXXXX)"
    chmod 755 "$dir"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir"
    printf '%s\n' "$password" > "$dir/pwfile"
    [[ "$(id -u)" == 0 ]] && chown postgres "$dir/pwfile"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U corpusqa --pwfile="$dir/pwfile" --auth=scram-sha-256 \
      -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    rm -f "$dir/pwfile"
    "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
    echo "$dir jdbc:postgresql://127.0.0.1:$port/postgres"
    ;;
  stop)
    "${as_owner[@]}" "$bin/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null
    rm -rf "$2"
    ;;
  *)
    echo "usage: $0 start PORT PASSWORD | stop DIR" >&2
    exit 2
    ;;
esac
