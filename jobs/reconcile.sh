#!/usr/bin/env bash
# Reconciliation only, for a scheduler that checks assignments more often than nightly (e.g.
# hourly on today's partition) and pages on mismatches:
#   jobs/reconcile.sh                       # today (UTC), exit 3 on a mismatch alert
#   jobs/reconcile.sh 2026-11-14 [--conf DIR]
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
d="$(date -u +%F)"
if [ $# -gt 0 ] && [[ "$1" =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}$ ]]; then
  d="$1"; shift
fi
exec "$HERE/assay" reconcile --date "$d" --fail-on-alert "$@"
