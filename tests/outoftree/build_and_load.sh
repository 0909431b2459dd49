#!/usr/bin/env bash
# Installs the SDK from the build tree into a temporary prefix, builds
# tests/outoftree against it with find_package(MentoringSDK), and loads the
# result with mentoring-host.
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$BUILD_DIR" --prefix "$work/prefix" >/dev/null
cmake -S "$SOURCE_DIR" -B "$work/build" -G Ninja -DCMAKE_PREFIX_PATH="$work/prefix" >/dev/null
cmake --build "$work/build" >/dev/null
out=$("$HOST_BINARY" modules --module "$work/build/tiny_adapter.so")
echo "$out"
grep -q '^tiny ' <<<"$out"
grep -q 'read_people' <<<"$out"
