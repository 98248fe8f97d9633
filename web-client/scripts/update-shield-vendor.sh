#!/usr/bin/env bash
# Vendors the nudity shield's model and runtime into the web client, reproducibly:
#   web-client/scripts/update-shield-vendor.sh
# takes the pinned npm versions below (`npm pack`, the npm registry only), copies exactly the files the
# shield loads into webroot/vendor/<package>-<version>/, and writes webroot/vendor/shield-manifest.json
# with each file's source path, SHA-256 and the package's licence. VendoredFilesTest checks the
# checksums. To update: change a version here, run the script, run the tests, commit the result.
set -euo pipefail

NSFWJS_VERSION=4.4.0
TFJS_VERSION=4.22.0

here="$(cd "$(dirname "$0")/.." && pwd)"
vendor="$here/src/main/resources/webroot/vendor"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# package spec | target folder | license (SPDX, from package.json) | files (source path inside the package)
specs=(
  "nsfwjs@$NSFWJS_VERSION|nsfwjs-$NSFWJS_VERSION|LICENSE dist/browser/nsfwjs.min.js dist/models/mobilenet_v2/model.min.js dist/models/mobilenet_v2/group1-shard1of1.min.js"
  "@tensorflow/tfjs@$TFJS_VERSION|tfjs-$TFJS_VERSION|dist/tf.es2017.min.js"
  "@tensorflow/tfjs-backend-wasm@$TFJS_VERSION|tfjs-backend-wasm-$TFJS_VERSION|dist/tf-backend-wasm.es2017.min.js dist/tfjs-backend-wasm-simd.wasm dist/tfjs-backend-wasm.wasm"
)

rm -rf "$vendor"/nsfwjs-* "$vendor"/tfjs-*
mkdir -p "$vendor"
entries=()
for spec in "${specs[@]}"; do
  IFS='|' read -r pkg folder files <<<"$spec"
  mkdir -p "$work/$folder" "$vendor/$folder"
  tarball="$(cd "$work" && npm pack --silent "$pkg")"
  tar xzf "$work/$tarball" -C "$work/$folder"
  license="$(node -p "require('$work/$folder/package/package.json').license")"
  integrity="$(cd "$work" && npm view "$pkg" dist.integrity)"
  for f in $files; do
    cp "$work/$folder/package/$f" "$vendor/$folder/$(basename "$f")"
    chmod 644 "$vendor/$folder/$(basename "$f")"
    sha="$(sha256sum "$vendor/$folder/$(basename "$f")" | cut -d' ' -f1)"
    entries+=("$pkg|$license|$integrity|$folder/$(basename "$f")|$f|$sha")
  done
done

# the manifest: one entry per vendored file, sorted, so a re-run gives the same bytes
printf '%s\n' "${entries[@]}" | sort -t'|' -k4 | node -e '
  const lines = require("fs").readFileSync(0, "utf8").trim().split("\n");
  const files = lines.map(l => { const [pkg, license, integrity, path, from, sha256] = l.split("|");
    return { path, sha256, package: pkg, license, from, packageIntegrity: integrity }; });
  process.stdout.write(JSON.stringify({ note: "written by web-client/scripts/update-shield-vendor.sh; checked by VendoredFilesTest", files }, null, 2) + "\n");
' > "$vendor/shield-manifest.json"
echo "vendored ${#entries[@]} files into $vendor ($(du -sh "$vendor" | cut -f1))"
