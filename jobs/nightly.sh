#!/usr/bin/env bash
# The nightly run for a scheduler: every stage for one date (default: yesterday, UTC).
#   jobs/nightly.sh                 # yesterday
#   jobs/nightly.sh 2026-11-14      # a given date
#   jobs/nightly.sh --from 2026-11-01 --to 2026-11-14   # a backfill
# Extra options go to `assay nightly` (e.g. --fail-on-alert, --conf DIR). With SPARK_HOME set it
# submits to the cluster of spark-defaults.conf / ASSAY_SUBMIT_ARGS; otherwise it runs locally.
# Exit codes: 0 ok, 1 failure, 2 bad configuration, 3 alerts (with --fail-on-alert).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
if [ $# -eq 0 ] || [[ "$1" == --* && "$1" != "--from" ]]; then
  exec "$HERE/assay" nightly --date "$(date -u -d yesterday +%F)" "$@"
elif [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
  d="$1"; shift
  exec "$HERE/assay" nightly --date "$d" "$@"
else
  exec "$HERE/assay" nightly "$@"
fi
