#!/usr/bin/env bash
# A short fuzzing pass for CI: builds every target once and runs each for a while from the
# seeded corpus. Any crash, leak, timeout or out-of-memory fails the run.
#
#   fuzz/smoke.sh             # 30 s per target
#   FUZZ_SECONDS=5 fuzz/smoke.sh
set -euo pipefail
cd "$(dirname "$0")"
seconds=${FUZZ_SECONDS:-30}
# cargo-fuzz passes nightly-only flags (-Z sanitizer, -C passes=sancov); the stable compiler
# accepts them only with RUSTC_BOOTSTRAP set.
export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR=never

if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install cargo-fuzz --locked
fi
# Seeds come from the reference vectors in ../shared/vectors next to the repository (the
# copy in proign-testkit/vectors when that is absent).
python3 seed.py
mkdir -p artifacts

# Optimised, with debug assertions and overflow checks on, so an overflow is a crash. The
# sanitizer is switched off: proign has no unsafe code, every target turns a panic into a
# crash already, and building the dependency tree with AddressSanitizer costs more than the
# runs themselves.
build=(-O --debug-assertions --sanitizer none)
cargo fuzz build "${build[@]}"

status=0
started=$SECONDS
for target in $(cargo fuzz list); do
    echo "==> $target (${seconds} s)"
    dict=()
    [[ $target == *_response ]] && dict=(-dict=json.dict)
    if ! cargo fuzz run "${build[@]}" "$target" -- -max_total_time="$seconds" \
        -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 "${dict[@]}" \
        2>"artifacts/$target.log"; then
        echo "!! $target failed; the input is under fuzz/artifacts/$target/" >&2
        tail -n 40 "artifacts/$target.log" >&2
        status=1
    fi
    grep -E '^stat::number_of_executed_units|^Done' "artifacts/$target.log" || true
done
echo "fuzz smoke: $(cargo fuzz list | wc -l) targets in $((SECONDS - started)) s (build excluded)"
exit $status
