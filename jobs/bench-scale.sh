#!/usr/bin/env bash
# How analyze's time grows with the number of experiments and metrics (BENCHMARKS.md, issue 23
# goal 4), rerunnable by anyone:
#   jobs/bench-scale.sh                                   # 100k units, 7 days, N = 5 50 200, M = 10 100
#   jobs/bench-scale.sh --units 1000000 --experiments "5 200" --metrics "10 100" --repeat 3
# For each N: `assay generate --experiments N --faults none` writes a world of N A/A experiments in
# namespace layers (each unit in the same number of experiments whatever N, so the same log rows;
# the metric sources are the same files for every N and M), then `assay reconcile` once. For each
# M: `generate --conf-only` writes the configuration with M metrics per source beside it, and
# `assay bench --analyze-only` times analyze on it (median of --repeat) and counts the metric_stats
# rows the driver read back. Worlds go under --work (default target/bench-scale) and are reused.
# --warehouse: after each analyze, the same numbers the warehouse way (one SQL query per
# experiment × metric, as GrowthBook does), timed and compared with metric_stats (slow: use it at
# few experiments, e.g. --experiments 5 --metrics "5 10").
# --warmup N: N untimed analyze runs first in the same JVM (the warehouse's queries, after
# analyze, run warm; analyze's first run pays the JIT compilation of its plans).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSAY="$ROOT/jobs/assay"
UNITS=100000
DAYS=7
EXPERIMENTS="5 50 200"
METRICS="10 100"
WORK="$ROOT/target/bench-scale"
REPEAT=1
WARMUP=0
WAREHOUSE=""
while [ $# -gt 0 ]; do
  case "$1" in
    --units) UNITS="$2"; shift 2 ;;
    --days) DAYS="$2"; shift 2 ;;
    --experiments) EXPERIMENTS="$2"; shift 2 ;;
    --metrics) METRICS="$2"; shift 2 ;;
    --work) WORK="$2"; shift 2 ;;
    --repeat) REPEAT="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --warehouse) WAREHOUSE="--warehouse"; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "bench-scale: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$WORK"
export ASSAY_PSEUDONYM_KEY="${ASSAY_PSEUDONYM_KEY:-bench-key}"
export ASSAY_JAVA_OPTS="${ASSAY_JAVA_OPTS:--Xmx12g}"
echo "bench-scale: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GiB RAM, $(java -version 2>&1 | head -1)"
"$ASSAY" --version >/dev/null   # builds once if needed
MAXM=$(echo $METRICS | tr ' ' '\n' | sort -n | tail -1)
RESULTS="$WORK/results-$UNITS-$DAYS.tsv"
printf 'units\tdays\texperiments\tmetrics_per_source\tanalyze_s\tmetric_stats_rows\twarehouse_s\twarehouse_equal\n' > "$RESULTS"
for n in $EXPERIMENTS; do
  W="$WORK/world-$UNITS-$DAYS-n$n"
  if [ ! -f "$W/truth.json" ]; then
    rm -rf "$W"
    "$ASSAY" generate --out "$W" --units "$UNITS" --days "$DAYS" --seed 1 --faults none \
      --experiments "$n" --metrics "$MAXM"
    mv "$W/conf" "$W/conf-m$MAXM"
  fi
  dates=$(ls "$W/logs" | sed -n 's/^date=//p' | sort)
  first=$(echo "$dates" | head -1); last=$(echo "$dates" | tail -1)
  if [ ! -d "$W/out/enrollments" ]; then
    "$ASSAY" reconcile --conf "$W/conf-m$MAXM" --from "$first" --to "$last" --out "$W/out"
  fi
  for m in $METRICS; do
    if [ ! -d "$W/conf-m$m" ]; then
      "$ASSAY" generate --out "$W" --units "$UNITS" --experiments "$n" --metrics "$m" \
        --conf-only --overwrite
      mv "$W/conf" "$W/conf-m$m"
    fi
    echo "== $UNITS units, $DAYS days, $n experiments, $m metrics per source"
    "$ASSAY" bench --conf "$W/conf-m$m" --from "$first" --to "$last" --out "$W/out" \
      --analyze-only --warmup "$WARMUP" --repeat "$REPEAT" $WAREHOUSE --json "$W/bench-m$m.json" | tee "$W/bench-m$m.txt"
    s=$(awk '$1 == "analyze" {print $2}' "$W/bench-m$m.txt")
    rows=$(awk '$1 == "metric_stats_rows" {print $4}' "$W/bench-m$m.txt")
    wh=$(awk '$1 == "warehouse" {print $2}' "$W/bench-m$m.txt")
    eq=$(awk '$1 == "warehouse_equal" {print $4}' "$W/bench-m$m.txt")
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$UNITS" "$DAYS" "$n" "$m" "$s" "$rows" "${wh:--}" "${eq:--}" >> "$RESULTS"
  done
done
echo "== analyze seconds by experiments and metrics per source: $RESULTS"
column -t "$RESULTS"
