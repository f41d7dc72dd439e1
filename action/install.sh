#!/usr/bin/env bash
# Installs the released topocert binary for this runner into $RUNNER_TEMP and prints
# bin=PATH to $GITHUB_OUTPUT. TOPOCERT_BIN (an existing binary) skips the download.
set -euo pipefail
out=${GITHUB_OUTPUT:-/dev/stdout}
if [ -n "${TOPOCERT_BIN:-}" ]; then
  echo "bin=$TOPOCERT_BIN" >> "$out"
  exit 0
fi
case "${RUNNER_OS_NAME:-Linux}/${RUNNER_ARCH_NAME:-X64}" in
  Linux/X64) target=x86_64-unknown-linux-musl; ext=tar.gz ;;
  Linux/ARM64) target=aarch64-unknown-linux-musl; ext=tar.gz ;;
  macOS/X64) target=x86_64-apple-darwin; ext=tar.gz ;;
  macOS/ARM64) target=aarch64-apple-darwin; ext=tar.gz ;;
  Windows/X64) target=x86_64-pc-windows-msvc; ext=zip ;;
  *) echo "::error title=topocert::no release binary for ${RUNNER_OS_NAME}/${RUNNER_ARCH_NAME}"; exit 1 ;;
esac
repo=${ACTION_REPOSITORY:-topocert/topocert}
[ -n "$repo" ] || repo=topocert/topocert
dir="${RUNNER_TEMP:-/tmp}/topocert-bin"
mkdir -p "$dir"
asset="topocert-$target.$ext"
if [ "${TOPOCERT_VERSION:-latest}" = latest ]; then
  tag_args=()
else
  tag_args=("v${TOPOCERT_VERSION#v}")
fi
gh release download "${tag_args[@]}" --repo "$repo" --pattern "$asset" --pattern "$asset.sha256" --dir "$dir" --clobber
if command -v sha256sum >/dev/null; then
  (cd "$dir" && sha256sum -c "$asset.sha256")
else
  (cd "$dir" && shasum -a 256 -c "$asset.sha256")
fi
case "$ext" in
  tar.gz) tar -xzf "$dir/$asset" -C "$dir" ;;
  zip) unzip -o -q "$dir/$asset" -d "$dir" ;;
esac
bin="$dir/topocert"
[ "$ext" = zip ] && bin="$dir/topocert.exe"
"$bin" --version
echo "bin=$bin" >> "$out"
