#!/usr/bin/env bash
# The demo, from a fresh clone with Java 17 and Maven: builds assay if needed, generates a world
# with known truth (200k units, 14 days of exposure logs with injected faults, metric sources)
# into data/demo, runs every stage on embedded local Spark the way a scheduler would, and ends by
# printing where the outputs and reports are. DEMO_UNITS / DEMO_DAYS change the size.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ASSAY="$ROOT/jobs/assay"
DATA="$ROOT/data/demo"
OUT="$DATA/out"
UNITS="${DEMO_UNITS:-200000}"
DAYS="${DEMO_DAYS:-14}"
# The demo's pseudonymization key. Real deployments set their own secret (docs/configuration.md).
export ASSAY_PSEUDONYM_KEY="${ASSAY_PSEUDONYM_KEY:-demo-key-not-a-secret}"
step() { echo; echo "== $*"; }
started=$(date +%s)

step "validate: every definition in conf/"
"$ASSAY" validate

step "generate: $UNITS units, $DAYS days, faults injected → $DATA"
rm -rf "$DATA"
"$ASSAY" generate --out "$DATA" --units "$UNITS" --days "$DAYS" --seed 20261101
dates=$(ls "$DATA/logs" | sed -n 's/^date=//p' | sort)
first=$(echo "$dates" | head -1)
last=$(echo "$dates" | tail -1)

step "explain: why did a unit see what it saw? (the same function the Spark jobs run)"
"$ASSAY" explain --experiment checkout_button --unit u00000042 --at "${first}T12:00:00Z" \
  --attr country=US --attr platform=ios

step "reconcile $first..$last: recompute every logged assignment, one pass over the logs"
"$ASSAY" reconcile --from "$first" --to "$last"

step "nightly $last: reconcile the night's partition, balance, analyze, report"
"$ASSAY" nightly --date "$last"

step "sql: the primary metrics as of $last"
"$ASSAY" sql "SELECT experiment, arm, metric,
                format_string('%+.2f%%', 100 * relative_effect) AS lift,
                format_string('%+.2f%% .. %+.2f%%', 100 * relative_ci_lower,
                              100 * relative_ci_upper) AS lift_interval,
                CASE WHEN p_value < 0.0001 THEN '< 0.0001' ELSE format_string('%.4f', p_value) END AS p
              FROM metric_results WHERE date = '$last' AND role = 'primary' AND segment_key = 'all'
              ORDER BY experiment, arm"

echo
echo "demo finished in $(( $(date +%s) - started )) s"
echo "  world and its truth:  $DATA/truth.json"
echo "  output tables:        $OUT   (docs/schema.md; query with: jobs/assay sql \"SELECT …\")"
echo "  reports:              $OUT/reports/$last/index.html"
