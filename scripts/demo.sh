#!/usr/bin/env bash
# README command 1: install what is missing, build, run the main job on the demo organisations.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh dev
build/dev/bin/mentoring-host run --config examples/demo/host.json "$@"
