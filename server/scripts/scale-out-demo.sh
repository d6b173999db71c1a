#!/usr/bin/env bash
# The scaled-out zoo on one machine, for trying it: PostgreSQL (metadata, tokens, leaderboards, rate limits, the
# scoring queue), an S3-compatible object store (checkpoints, submission bodies, ground truth), two `mim4d-zoo serve`
# replicas on both, and one `mim4d-zoo worker` scoring submissions. The processes share nothing else: each replica
# has a folder of its own (scratch space only), the worker none. Ctrl-C stops what it started.
#
#   server/scripts/scale-out-demo.sh           # run until Ctrl-C
#   server/scripts/scale-out-demo.sh --check   # start everything, upload a blob through replica 1 and find it
#                                              # complete on replica 2; install HD-map ground truth, submit results
#                                              # through replica 1, see the worker's score on replica 2; stop
#
# PostgreSQL: $MIM4D_DEMO_DATABASE if set, else the local server on 127.0.0.1:5432 (started with pg_ctlcluster where
# Debian's is installed but stopped), in a schema of its own. Object store: $MIM4D_DEMO_BLOB_STORE (an s3:// URL,
# credentials in the AWS_* variables) if set, else moto's S3 server (python3 -m moto.server, in memory: a stand-in
# for MinIO, Ceph RGW, R2 or AWS S3 when trying things out). Ports: $MIM4D_DEMO_PORT and the next one (8080, 8081).
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT=${MIM4D_DEMO_PORT:-8080}
S3_PORT=${MIM4D_DEMO_S3_PORT:-9000}
ZOO=(node server/bin/mim4d-zoo.js)
# Node 20 is supported here; the SDK would warn on every command.
export AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED=true
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mim4d-scale-out.XXXXXX")
PIDS=()

cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

wait_for() { # what, command...
  local what=$1
  shift
  for _ in $(seq 1 150); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.2
  done
  echo "scale-out-demo: $what did not come up; logs in $WORK" >&2
  exit 1
}

# 1. PostgreSQL.
if [[ -n ${MIM4D_DEMO_DATABASE:-} ]]; then
  DB=$MIM4D_DEMO_DATABASE
else
  if ! pg_isready -q -h 127.0.0.1 -p 5432 && command -v pg_ctlcluster >/dev/null; then
    pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
  fi
  wait_for "PostgreSQL on 127.0.0.1:5432" pg_isready -q -h 127.0.0.1 -p 5432
  SCHEMA="zoo_demo_$$"
  psql -q "postgres://postgres@127.0.0.1:5432/postgres" -c "CREATE SCHEMA $SCHEMA"
  DB="postgres://postgres@127.0.0.1:5432/postgres?options=-c%20search_path%3D$SCHEMA"
  cleanup_schema() { psql -q "postgres://postgres@127.0.0.1:5432/postgres" -c "SET client_min_messages = warning" -c "DROP SCHEMA $SCHEMA CASCADE" || true; }
  trap 'cleanup; cleanup_schema' EXIT
fi
echo "PostgreSQL:   $DB"

# 2. The object store.
if [[ -n ${MIM4D_DEMO_BLOB_STORE:-} ]]; then
  BLOBS=$MIM4D_DEMO_BLOB_STORE
else
  python3 -m moto.server -H 127.0.0.1 -p "$S3_PORT" >"$WORK/moto.log" 2>&1 &
  PIDS+=($!)
  wait_for "moto's S3 server on port $S3_PORT" curl -sf "http://127.0.0.1:$S3_PORT/"
  export AWS_ACCESS_KEY_ID=demo AWS_SECRET_ACCESS_KEY=demo AWS_REGION=us-east-1
  curl -sf -X PUT "http://127.0.0.1:$S3_PORT/zoo-demo" >/dev/null # create the bucket
  BLOBS="s3://zoo-demo/blobs?endpoint=http://127.0.0.1:$S3_PORT"
fi
echo "object store: $BLOBS"

# 3. Two replicas and a worker. Everything shared is in the database and the bucket; each replica's --data folder is
# its own scratch space (bodies while they arrive), and the worker fetches what it scores into a temporary folder.
SHARED=(--database "$DB" --blob-store "$BLOBS")
TOKEN=$("${ZOO[@]}" token create --scopes admin,write:demo --name demo --data "$WORK/operator" --database "$DB" 2>/dev/null)
for replica in 1 2; do
  port=$((PORT + replica - 1))
  "${ZOO[@]}" serve --data "$WORK/replica-$replica" "${SHARED[@]}" --port "$port" --redirect-downloads \
    >"$WORK/replica-$replica.log" 2>&1 &
  PIDS+=($!)
  wait_for "replica $replica on port $port" curl -sf "http://127.0.0.1:$port/api/v1/models"
  echo "replica $replica:    http://127.0.0.1:$port"
done
"${ZOO[@]}" worker "${SHARED[@]}" >"$WORK/worker.log" 2>&1 &
PIDS+=($!)
wait_for "the worker" grep -q "waiting for jobs" "$WORK/worker.log"
echo "worker:       pid ${PIDS[-1]}"
echo "admin token:  $TOKEN"
echo "logs:         $WORK"

if [[ ${1:-} == --check ]]; then
  BODY="$WORK/blob.bin"
  head -c 3000000 /dev/urandom >"$BODY"
  SHA=$(sha256sum "$BODY" | cut -d' ' -f1)
  SIZE=$(stat -c %s "$BODY")
  AUTH=(-H "Authorization: Bearer $TOKEN")
  curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' \
    -d "{\"files\":[{\"path\":\"blob.bin\",\"sha256\":\"$SHA\",\"size\":$SIZE}]}" \
    "http://127.0.0.1:$PORT/api/v1/models/demo/check/uploads" >/dev/null
  curl -sf "${AUTH[@]}" -X PUT --data-binary "@$BODY" "http://127.0.0.1:$PORT/api/v1/uploads/$SHA" >/dev/null
  # Replica 2 sees the blob: stored in the shared bucket, recorded in the shared database.
  HELD=$(curl -sf -I "${AUTH[@]}" -H "Upload-Length: $SIZE" "http://127.0.0.1:$((PORT + 1))/api/v1/uploads/$SHA")
  if ! grep -qi '^upload-complete: ?1' <<<"$HELD"; then
    echo "check FAILED: replica 2 does not see the blob uploaded through replica 1" >&2
    exit 1
  fi
  echo "check passed: a blob uploaded through replica 1 is complete on replica 2"

  # Ground truth installed by an operator command goes to the bucket; the worker scores against it.
  node -e '
    const pts = Array.from({ length: 20 }, (_, i) => [0, i / 2]);
    const fs = require("node:fs");
    fs.writeFileSync(process.argv[1], JSON.stringify({ GTs: [{ sample_token: "demo-0", vectors: [{ pts, type: 0 }] }] }));
    fs.writeFileSync(process.argv[2], JSON.stringify({ meta: { use_camera: true },
      results: [{ sample_token: "demo-0", vectors: [{ pts, type: 0, confidence_level: 0.9 }] }] }));
  ' "$WORK/map-gt.json" "$WORK/map-results.json"
  "${ZOO[@]}" benchmark gt nuscenes-hdmap@v1 "$WORK/map-gt.json" --data "$WORK/operator" "${SHARED[@]}" >/dev/null
  SUBMITTED=$(curl -sf "${AUTH[@]}" -H 'Content-Type: application/json' --data-binary "@$WORK/map-results.json" \
    "http://127.0.0.1:$PORT/api/v1/benchmarks/nuscenes-hdmap@v1/submissions?name=demo")
  ID=$(sed -E 's/.*"submissionId":"([^"]+)".*/\1/' <<<"$SUBMITTED")
  STATUS=queued
  for _ in $(seq 1 300); do
    STATUS=$(curl -sf "${AUTH[@]}" "http://127.0.0.1:$((PORT + 1))/api/v1/submissions/$ID" |
      sed -E 's/.*"status":"([a-z]+)".*/\1/')
    [[ $STATUS == queued || $STATUS == scoring ]] || break
    sleep 0.2
  done
  if [[ $STATUS != verified ]]; then
    echo "check FAILED: submission $ID is $STATUS on replica 2 (worker log: $WORK/worker.log)" >&2
    exit 1
  fi
  echo "check passed: a submission sent to replica 1 was scored by the worker and is verified on replica 2"
  exit 0
fi
echo "Ctrl-C stops everything."
wait
