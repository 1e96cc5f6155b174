#!/usr/bin/env bash
# Makes a minimal local base image from this host's node binary and the shared libraries it and
# sharp's prebuilt libvips load, for machines that cannot pull node:20-bookworm-slim.
# Usage: docker/make-node-base.sh [image-name]   (default kontext-e2e/node-base:local)
set -euo pipefail
image="${1:-kontext-e2e/node-base:local}"
root="$(cd "$(dirname "$0")/.." && pwd)"
node_bin="$(readlink -f "$(command -v node)")"
sharp_addon="$root/node_modules/@img/sharp-linux-x64/lib/sharp-linux-x64.node"
libvips="$(ls "$root"/node_modules/@img/sharp-libvips-linux-x64/lib/libvips-cpp.so.* 2>/dev/null | head -n1 || true)"
if [[ ! -f "$sharp_addon" || -z "$libvips" ]]; then
  echo "Expected sharp's linux-x64 prebuilt binaries under node_modules/@img/, found none: run npm ci on this linux-x64 host first." >&2
  exit 1
fi

stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT

# Every absolute library path ldd names (the "=> /path" ones and the loader itself), except those in node_modules.
libraries() {
  ldd "$@" | awk '{ for (i = 1; i <= NF; i++) if ($i ~ /^\// && $i !~ /:$/) print $i }' | grep -v '/node_modules/' | sort -u
}
mkdir -p "$stage/usr/local/bin" "$stage/tmp" "$stage/etc"
chmod 1777 "$stage/tmp"
cp "$node_bin" "$stage/usr/local/bin/node"
for lib in $(libraries "$node_bin" "$sharp_addon" "$libvips"); do
  mkdir -p "$stage$(dirname "$lib")"
  cp -L "$lib" "$stage$lib"
done
# Numeric users only: a passwd file lets `USER node` and os.userInfo() work as on the official image.
printf 'root:x:0:0:root:/root:/bin/false\nnode:x:1000:1000:node:/home/node:/bin/false\n' > "$stage/etc/passwd"
printf 'root:x:0:\nnode:x:1000:\n' > "$stage/etc/group"
mkdir -p "$stage/home/node" "$stage/root"
chown 1000:1000 "$stage/home/node"

tar -C "$stage" -cf - . | docker import \
  --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin' \
  --change 'CMD ["node"]' \
  --change "LABEL org.opencontainers.image.description=\"node $("$node_bin" --version) and its shared libraries, copied from the host\"" \
  - "$image" > /dev/null
echo "Made $image from $node_bin ($("$node_bin" --version)) and $(libraries "$node_bin" "$sharp_addon" "$libvips" | wc -l) shared libraries."
