#!/usr/bin/env bash
# What `npm test` runs: system programs, build (the CLI tests run bin/lapse.js), type check, lint, every test.
# Extra arguments go to vitest: `npm test -- src/server/db/storage.test.ts`.
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/setup-system.sh
npm run build
npx tsc --noEmit -p .
npx biome check .

# Every PostgreSQL cluster and SQLite file of this run goes under one directory (LAPSE_TEST_TMPDIR, read by
# test/support/postgres-cluster.ts), so even a run killed before its teardown leaves no server or file behind.
test_tmpdir="$(mktemp -d "${TMPDIR:-/tmp}/lapse-test-XXXXXX")"
chmod 755 "$test_tmpdir" # the clusters run as the postgres user when the tests run as root
clean_up() {
  for pid_file in "$test_tmpdir"/*/data/postmaster.pid; do
    [ -e "$pid_file" ] || continue
    # SIGQUIT is PostgreSQL's immediate shutdown. The first line of postmaster.pid is the server's pid, negated
    # for a single-user backend (initdb at work): never pass kill a negative number, which means a process group.
    pid="$(head -n 1 "$pid_file")"
    pid="${pid#-}"
    [[ "$pid" =~ ^[0-9]+$ ]] || continue
    kill -QUIT "$pid" 2>/dev/null || continue
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  done
  rm -rf "$test_tmpdir"
}
trap clean_up EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
export LAPSE_TEST_TMPDIR="$test_tmpdir"

npx vitest run "$@"
