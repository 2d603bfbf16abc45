#!/usr/bin/env bash
# Makes sure this machine has the system programs the test suite uses beyond npm:
#   PostgreSQL server binaries (a throwaway cluster per test run), Chromium (dashboard tests),
#   LibreOffice Calc headless (reads exported .xlsx files back), sqlite3 (inspecting test databases).
# Idempotent: when everything is present it returns at once without touching apt.
set -euo pipefail

# Each line: Debian package, then the test that says it is installed.
has_postgres_server() { compgen -G '/usr/lib/postgresql/*/bin/initdb' >/dev/null; }
has_chromium() { [ -x /usr/bin/chromium ]; }
# `libreoffice --headless --convert-to xlsx|csv` needs the Calc module, not only the launcher.
has_libreoffice_calc() { command -v libreoffice >/dev/null && [ -e /usr/lib/libreoffice/program/libsclo.so ]; }
has_sqlite3() { command -v sqlite3 >/dev/null; }

missing=()
has_postgres_server || missing+=(postgresql)
has_chromium || missing+=(chromium)
has_libreoffice_calc || missing+=(libreoffice-calc-nogui)
has_sqlite3 || missing+=(sqlite3)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "setup-system: installing ${missing[*]}" >&2

if ! command -v apt-get >/dev/null; then
  echo "setup-system: apt-get not found; install these (or their equivalents) by hand: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null; then
  # Without a terminal sudo must not wait for a password nobody can type.
  if [ -t 0 ]; then as_root=(sudo); else as_root=(sudo -n); fi
else
  echo "setup-system: not root and sudo is not available; as root, run:" >&2
  echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

if [[ " ${missing[*]} " == *" postgresql "* ]]; then
  # The tests run their own throwaway clusters: stop Debian from creating and starting a default one.
  "${as_root[@]}" mkdir -p /etc/postgresql-common/createcluster.d
  echo 'create_main_cluster = false' | "${as_root[@]}" tee /etc/postgresql-common/createcluster.d/lapse-no-main.conf >/dev/null
fi

# `env` carries the setting through sudo, which resets the environment.
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"

# Installing must have fixed what was missing; say so now rather than as a puzzling test failure later.
has_postgres_server || { echo "setup-system: initdb still missing under /usr/lib/postgresql/*/bin" >&2; exit 1; }
has_chromium || { echo "setup-system: /usr/bin/chromium still missing" >&2; exit 1; }
has_libreoffice_calc || { echo "setup-system: LibreOffice Calc still missing" >&2; exit 1; }
has_sqlite3 || { echo "setup-system: sqlite3 still missing" >&2; exit 1; }
