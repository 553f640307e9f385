#!/usr/bin/env bash
# The benchmarks of BENCHMARKS.md, rerunnable by anyone:
#   jobs/bench.sh                          # worlds of 1M and 10M units, 14 days, then JMH
#   jobs/bench.sh --units "100000 1000000" --days 7 --no-jmh
#   jobs/bench.sh --jmh-only
# For each world size: `assay generate` (timed), then `assay bench` over every log date, which
# times a bare scan of the logs, recomputation, each stage, and the metrics stage against a
# hand-written query of the same sufficient statistics. Ends with the ratios the goals are stated
# in, measured in this run. Worlds and outputs go under --work (default target/bench); a world
# already there (with its truth.json) is reused. --repeat N (default 3) takes the ratio timings
# (scan, recomputation, metrics against the hand query) N times and reports medians; --warmup N
# (default 0) runs them N times untimed first.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSAY="$ROOT/jobs/assay"
UNITS="1000000 10000000"
DAYS=14
WORK="$ROOT/target/bench"
JMH=1
PIPELINE=1
REPEAT=3
WARMUP=0
while [ $# -gt 0 ]; do
  case "$1" in
    --units) UNITS="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --no-jmh) JMH=0; shift ;;
    --jmh-only) PIPELINE=0; shift ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "bench: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
export ASSAY_PSEUDONYM_KEY="${ASSAY_PSEUDONYM_KEY:-bench-key}"
export ASSAY_JAVA_OPTS="${ASSAY_JAVA_OPTS:--Xmx12g}"
echo "bench: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1)"

if [ "$PIPELINE" = 1 ]; then
  "$ASSAY" --version >/dev/null   # builds once if needed
  for n in $UNITS; do
    W="$WORK/world-$n-$DAYS"
    C="$WORK/conf-$n-$DAYS"
    rm -rf "$C" "$W/out"; cp -r "$ROOT/conf" "$C"
    sed -i "s#^  root: ../data/demo .*#  root: $W#; s#^  root: ../data/demo/out.*#  root: $W/out#" "$C/assay.yaml"
    if [ ! -f "$W/truth.json" ]; then
      rm -rf "$W"
      start=$(date +%s)
      "$ASSAY" generate --conf "$C" --out "$W" --units "$n" --days "$DAYS" --seed 1
      echo "$(( $(date +%s) - start ))" > "$W.generate-seconds"
    fi
    dates=$(ls "$W/logs" | sed -n 's/^date=//p' | sort)
    first=$(echo "$dates" | head -1); last=$(echo "$dates" | tail -1)
    echo "== $n units, $DAYS days: logs $first..$last (generated in $(cat "$W.generate-seconds" 2>/dev/null || echo '?') s)"
    /usr/bin/time -f "bench $n: wall %e s, max RSS %M KiB" \
      "$ASSAY" bench --conf "$C" --from "$first" --to "$last" --out "$W/out" --json "$WORK/bench-$n.json" \
      --repeat "$REPEAT" --warmup "$WARMUP"
  done
  set -- $UNITS
  if [ $# -ge 2 ]; then
    python3 - "$WORK/bench-$1.json" "$WORK/bench-${!#}.json" <<'PY'
import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:3])
ta = {t["stage"]: t["seconds"] for t in a["timings"]}
tb = {t["stage"]: t["seconds"] for t in b["timings"]}
print(f"scaling {a['log_rows']:,} -> {b['log_rows']:,} log rows ({b['log_rows']/a['log_rows']:.1f}x):")
for s in ta:
    if ta[s] > 0:
        print(f"  {s:20s} {ta[s]:8.1f} s -> {tb[s]:8.1f} s  = {tb[s]/ta[s]:5.2f}x")
print(f"  peak heap {a['peak_heap_bytes']/2**20:.0f} MiB -> {b['peak_heap_bytes']/2**20:.0f} MiB")
PY
  fi
fi

if [ "$JMH" = 1 ]; then
  (cd "$ROOT" && mvn -B -q -Dspotless.check.skip=true test-compile \
     dependency:build-classpath -Dmdep.outputFile="$WORK/test-classpath.txt" -Dmdep.includeScope=test)
  java -cp "$ROOT/target/test-classes:$ROOT/target/classes:$(cat "$WORK/test-classpath.txt")" \
    org.openjdk.jmh.Main 'io.assay.bench.KernelBenchmarks' -rf json -rff "$WORK/jmh.json"
fi
