#!/usr/bin/env bash
# The demo: builds assay if needed and runs what exists on embedded local Spark.
# Stages join as they land (see the README).
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ASSAY="$HERE/assay"

echo "== validate: every definition in conf/"
"$ASSAY" validate

echo
echo "== explain: why did user u-1001 see what they saw in checkout_button?"
"$ASSAY" explain --experiment checkout_button --unit u-1001 --at 2026-11-03T09:30:00Z \
  --attr country=US --attr platform=ios

echo
echo "== explain: a unit during the search_ranking ramp (5% -> 50% -> 100%)"
"$ASSAY" explain --experiment search_ranking --unit u-2002 --at 2026-11-02T12:00:00Z \
  --attr platform=android --attr account_age_days=12
