#!/usr/bin/env bash
# Load test of the verify_webhooks gateway: verify + durable enqueue into SQLite, driven from
# a second process over loopback. Builds both in release, starts the gateway on a fresh
# queue file, runs examples/load.rs against it for LOAD_SECONDS (30) with LOAD_CONNECTIONS
# (32) connections, checks the queue and prints the gateway's memory and CPU from /proc.
set -euo pipefail
cd "$(dirname "$0")/.."

seconds=${LOAD_SECONDS:-30}
connections=${LOAD_CONNECTIONS:-32}

nice cargo build --release --quiet --example verify_webhooks --example load

work=$(mktemp -d)
gateway=
cleanup() {
    if [ -n "$gateway" ] && kill -0 "$gateway" 2>/dev/null; then
        kill -INT "$gateway"
        wait "$gateway" || true
    fi
    rm -rf "$work"
}
trap cleanup EXIT

# Made-up secrets, shared by the gateway and the generator through the environment.
export STRIPE_WEBHOOK_SECRET=whsec_load_test_stripe_secret
export SHOPIFY_CLIENT_SECRET=load_test_shopify_client_secret
export RESEND_WEBHOOK_SECRET=whsec_bG9hZC10ZXN0LXJlc2VuZC1zZWNyZXQtMzJieXRlcyE=
export UPS_CALLBACK_CREDENTIAL=load-test-ups-callback-credential

PROIGN_QUEUE_DB="$work/queue.db" PROIGN_LISTEN=127.0.0.1:0 RUST_LOG=info NO_COLOR=1 \
    ./target/release/examples/verify_webhooks >"$work/gateway.log" 2>&1 &
gateway=$!
url=
for _ in $(seq 1 50); do
    url=$(grep -o 'http://127\.0\.0\.1:[0-9]*' "$work/gateway.log" | head -n 1 || true)
    [ -n "$url" ] && break
    kill -0 "$gateway" 2>/dev/null || { cat "$work/gateway.log" >&2; exit 1; }
    sleep 0.1
done
[ -n "$url" ] || { echo "the gateway did not start" >&2; cat "$work/gateway.log" >&2; exit 1; }

cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$gateway/stat"; }
status_kib() { awk -v key="$1:" '$1 == key { print $2 }' "/proc/$gateway/status"; }

idle_rss=$(status_kib VmRSS)
ticks_before=$(cpu_ticks)
started=$(date +%s.%N)
set +e
/usr/bin/time -f 'generator: %U s user, %S s system CPU, peak RSS %M KiB' \
    ./target/release/examples/load --url "$url" --seconds "$seconds" \
    --connections "$connections" --db "$work/queue.db"
result=$?
set -e
finished=$(date +%s.%N)
ticks_after=$(cpu_ticks)
peak_rss=$(status_kib VmHWM)
rss_after=$(status_kib VmRSS)
hz=$(getconf CLK_TCK)

awk -v idle="$idle_rss" -v peak="$peak_rss" -v after="$rss_after" \
    -v ticks=$((ticks_after - ticks_before)) -v hz="$hz" -v t0="$started" -v t1="$finished" \
    'BEGIN {
        printf "gateway: RSS idle %.1f MiB, peak (VmHWM) %.1f MiB, after the run %.1f MiB\n",
            idle / 1024, peak / 1024, after / 1024
        printf "gateway: %.1f s CPU over %.1f s wall (%.0f%% of one core)\n",
            ticks / hz, t1 - t0, 100 * ticks / hz / (t1 - t0)
    }'
echo "queue file: $(du -h "$work/queue.db" | cut -f1) (+ WAL $(du -h "$work/queue.db-wal" 2>/dev/null | cut -f1 || echo 0))"
echo "machine: $(nproc) cores, $(uname -m), load average before stopping: $(cut -d' ' -f1-3 /proc/loadavg)"
exit "$result"
