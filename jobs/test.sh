#!/usr/bin/env bash
# The whole test suite on a fresh machine with Java 17 and Maven: installs the Debian packages the
# tests need (Chromium for the HTML reports, Jupyter for the notebooks; see .ci/packages.txt) when
# they are missing, then runs `mvn -B verify` (formatting check, unit, Spark, browser, notebook
# and local-cluster tests).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

missing=()
while read -r pkg; do
  [ -z "$pkg" ] || [[ "$pkg" == \#* ]] && continue
  dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
done < .ci/packages.txt
if [ "${#missing[@]}" -gt 0 ]; then
  echo "test: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

exec mvn -B verify "$@"
