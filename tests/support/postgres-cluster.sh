#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for the tests (ctest -L postgres).
#
#   postgres-cluster.sh start <dir>   creates and starts it, replacing one left in <dir>
#   postgres-cluster.sh stop <dir>    stops it and removes <dir>
#
# <dir>/url       the connection URL (0600; holds the password, never printed)
# <dir>/password  the generated superuser password (0600)
# <dir>/cluster/  the data directory, the unix socket and server.log; when run as root
#                 (initdb refuses root) this one folder belongs to the `postgres`
#                 system user, which runs initdb and the server.
# The server listens on 127.0.0.1 only, on a free port, with scram-sha-256 passwords,
# fsync off (a test cluster: speed over durability). A failed start exits non-zero with
# the end of the server's log.
set -euo pipefail

bin_dir=${MENTORING_POSTGRES_BIN:-/usr/lib/postgresql/15/bin}
superuser=mentoring_test

usage() {
  echo "usage: $0 start|stop <dir>" >&2
  exit 2
}
[ $# -eq 2 ] || usage
action=$1
dir=$2
case "$dir" in /*) ;; *) dir="$PWD/$dir" ;; esac

as_owner=()
if [ "$(id -u)" -eq 0 ]; then as_owner=(runuser -u postgres --); fi

# Where the data, socket and log live: <dir>/cluster, unless the server's user cannot reach
# it or the socket's path would pass the kernel's limit (107 bytes): then a folder of its
# own under ${TMPDIR:-/tmp}, named in <dir>/cluster-location so stop removes it too.
cluster="$dir/cluster"
if [ -f "$dir/cluster-location" ]; then cluster=$(cat "$dir/cluster-location"); fi

log_tail() {
  if [ -f "$cluster/server.log" ]; then
    echo "--- last lines of $dir/cluster/server.log ---" >&2
    tail -n 30 "$cluster/server.log" >&2
  fi
}

stop_cluster() {
  if [ -f "$cluster/data/postmaster.pid" ]; then
    "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$cluster/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  fi
}

free_port() {
  python3 -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])'
}

start_cluster() {
  [ -x "$bin_dir/initdb" ] || {
    echo "postgres-cluster: no $bin_dir/initdb (Debian package postgresql-15: scripts/setup.sh installs it)" >&2
    exit 1
  }
  stop_cluster
  rm -rf "$cluster" "$dir"
  umask 077
  mkdir -p "$dir"
  cluster="$dir/cluster"
  if [ ${#as_owner[@]} -gt 0 ]; then
    # The server's user must reach its folder: <dir> lets it pass (not list).
    chmod 0711 "$dir"
  fi
  # 22: /socket/.s.PGSQL.65535
  if [ $((${#cluster} + 22)) -gt 100 ] ||
    { [ ${#as_owner[@]} -gt 0 ] && ! runuser -u postgres -- test -x "$dir"; }; then
    cluster=$(mktemp -d "${TMPDIR:-/tmp}/mentoring-postgres.XXXXXX")
    echo "$cluster" >"$dir/cluster-location"
    echo "postgres-cluster: $dir is out of the server's reach or too deep for its socket: the cluster is in $cluster"
  else
    mkdir "$cluster"
  fi
  if [ ${#as_owner[@]} -gt 0 ]; then chown postgres: "$cluster"; fi

  # 24 random bytes as hex: nothing to escape in the URL.
  od -An -tx1 -N24 /dev/urandom | tr -d ' \n' >"$dir/password"
  chmod 0600 "$dir/password"

  # initdb reads the password from a file of the server's user inside its own folder
  # (written through stdin, not argv), removed right after.
  "${as_owner[@]}" sh -c 'umask 077 && cat >"$1"' sh "$cluster/initdb-password" <"$dir/password"
  if ! "${as_owner[@]}" "$bin_dir/initdb" -D "$cluster/data" -U "$superuser" \
    --pwfile="$cluster/initdb-password" \
    --auth-local=scram-sha-256 --auth-host=scram-sha-256 -E UTF8 --locale=C --no-sync \
    >"$dir/initdb.log" 2>&1; then
    echo "postgres-cluster: initdb failed:" >&2
    tail -n 30 "$dir/initdb.log" >&2
    rm -f "$cluster/initdb-password"
    exit 1
  fi
  rm -f "$cluster/initdb-password"
  "${as_owner[@]}" mkdir -m 0700 "$cluster/socket"
  "${as_owner[@]}" tee "$cluster/data/pg_hba.conf" >/dev/null <<'HBA'
# Only this cluster's socket and loopback, only with a password.
local all all               scram-sha-256
host  all all 127.0.0.1/32  scram-sha-256
HBA

  local attempt port
  for attempt in 1 2 3; do
    port=$(free_port)
    if "${as_owner[@]}" "$bin_dir/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -c port=$port -c unix_socket_directories=$cluster/socket \
          -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB \
          -c max_connections=60 -c password_encryption=scram-sha-256" start >/dev/null 2>&1; then
      break
    fi
    # Another process may have taken the port between the probe and the start.
    if [ "$attempt" -eq 3 ] || ! grep -q "could not bind\|Address already in use" "$cluster/server.log" 2>/dev/null; then
      echo "postgres-cluster: the server did not start (port $port)" >&2
      log_tail
      exit 1
    fi
  done

  (umask 077 && printf 'postgresql://%s:%s@127.0.0.1:%s/postgres\n' "$superuser" "$(cat "$dir/password")" "$port" >"$dir/url")
  # Proves the password and the loopback listener work before any test relies on them.
  # (the password through the environment, which only this user can read, never argv)
  if ! PGPASSWORD=$(cat "$dir/password") PGPASSFILE=/dev/null PGCONNECT_TIMEOUT=10 "$bin_dir/psql" -X -q -t -A \
    -h 127.0.0.1 -p "$port" -U "$superuser" -d postgres -c "SELECT 1" >/dev/null 2>"$dir/psql.log"; then
    echo "postgres-cluster: the server started but a password login on 127.0.0.1:$port failed:" >&2
    tail -n 5 "$dir/psql.log" >&2
    log_tail
    exit 1
  fi
  echo "postgres-cluster: PostgreSQL $("$bin_dir/postgres" --version | awk '{print $3}') on 127.0.0.1:$port, data in $cluster"
  echo "postgres-cluster: connection URL in $dir/url (0600)"
}

case "$action" in
  start) start_cluster ;;
  stop)
    stop_cluster
    rm -rf "$cluster" "$dir"
    echo "postgres-cluster: stopped, $dir removed"
    ;;
  *) usage ;;
esac
