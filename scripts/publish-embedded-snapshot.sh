#!/bin/sh
# Regenerates the project's signed snapshot of its embedded registry,
# data/registry/snapshot/tvcheck-embedded.tvreg, after data/registry/*.toml changed (the test
# `snapshot::shipped_snapshot_holds_the_embedded_registry` fails until then).
#
#   TVCHECK_SIGNING_KEY=/offline/tvcheck-registry.key scripts/publish-embedded-snapshot.sh
#
# The secret key is the project's (key id in data/registry/snapshot/tvcheck-registry.pub); it
# is never in the repository. An encrypted key also needs TVCHECK_KEY_PASSWORD. The publication
# time is the embedded registry's last change, so the signed part of the snapshot (and its
# sha256) is the same whoever runs this; only the signature bytes differ.
set -eu
key=${TVCHECK_SIGNING_KEY:?set TVCHECK_SIGNING_KEY to the project secret key file}
cd "$(dirname "$0")/.."
unset TVCHECK_DB
cargo build --quiet
bin=target/debug/tvcheck
last=$("$bin" registry status --format json | sed -n 's/^ *"last_change": "\([^"]*\)".*/\1/p')
[ -n "$last" ] || { echo "cannot read the embedded registry's last change" >&2; exit 2; }
"$bin" registry publish --key "$key" --publisher "tvcheck project" --published-at "$last" \
    -o data/registry/snapshot/tvcheck-embedded.tvreg
"$bin" registry verify --snapshot data/registry/snapshot/tvcheck-embedded.tvreg
