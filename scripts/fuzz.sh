#!/usr/bin/env bash
# Fuzzes the criteria parser, the rule engine and the catalog loader natively
# (clang, libFuzzer, ASan, UBSan), RUNS executions each (default 1,000,000),
# starting from the kept corpus in fuzz/corpus plus the seeds (fuzz/seeds.py: our
# demo catalog, and the vendor samples in ../shared/catalog-samples when there).
# New inputs that reach new code are merged into fuzz/corpus/<target>; a crasher
# is written to fuzz/corpus/<target>/ too (crash-*), so the test suite replays it.
# usage: scripts/fuzz.sh [RUNS] [TARGET ...]
set -euo pipefail
top="$(cd "$(dirname "$0")/.." && pwd)"
runs="${1:-1000000}"
shift || true
targets=("$@")
[ "${#targets[@]}" -gt 0 ] || targets=(criteria rules catalog)
export BUILD_DIR="${BUILD_DIR:-$top/build}"
"$top/scripts/build.sh"
native="$BUILD_DIR/fuzz-native"
cmake --build "$BUILD_DIR" --target fuzz_native_build >/dev/null

work="$BUILD_DIR/fuzz-work"
rm -rf "$work"
samples="$top/../shared/catalog-samples"
catalogs=("$BUILD_DIR/examples/demo-catalog/catalog.xml")
for f in dell-msi-dc718411.sdp hp-catalog-v1-excerpt.xml dell-cmd-0e6cf4ac.sdp; do
  [ -f "$samples/$f" ] && catalogs+=("$samples/$f")
done
python3 "$top/fuzz/seeds.py" "$work/seeds" "${catalogs[@]}"

declare -A max_len=([criteria]=4096 [rules]=2048 [catalog]=16384)
for t in "${targets[@]}"; do
  mkdir -p "$work/$t" "$top/fuzz/corpus/$t"
  cp "$work/seeds/$t"/* "$top/fuzz/corpus/$t"/* "$work/$t"/ 2>/dev/null || true
  dict=()
  [ "$t" = catalog ] && dict=(-dict="$top/fuzz/catalog.dict")
  echo "fuzz $t: $runs runs"
  "$native/fuzz_$t" "${dict[@]}" -runs="$runs" -max_len="${max_len[$t]}" -rss_limit_mb=2560 -timeout=20 \
    -print_final_stats=1 -artifact_prefix="$top/fuzz/corpus/$t/" "$work/$t" 2>"$work/$t.log" || {
      tail -40 "$work/$t.log"; echo "fuzz $t: FINDING (kept in fuzz/corpus/$t)"; exit 1; }
  grep -E '^stat::(number_of_executed_units|peak_rss_mb)|^Done' "$work/$t.log" | sed "s/^/fuzz $t: /"
  # keep what reaches new code, nothing else
  "$native/fuzz_$t" -merge=1 -max_len="${max_len[$t]}" "$top/fuzz/corpus/$t" "$work/$t" 2>>"$work/$t.log"
  echo "fuzz $t: corpus $(ls "$top/fuzz/corpus/$t" | wc -l) inputs"
done
