#!/bin/sh
# Install the Debian packages vfnode needs to build, test and fuzz.
# Idempotent: asks apt-get only for what is missing, prints nothing when
# everything is present. Needs root only when something must be installed.
set -eu

PACKAGES="build-essential pkg-config libzmq3-dev libczmq-dev liblmdb-dev lmdb-utils
libsodium-dev libmsgpack-dev libcmocka-dev libjansson-dev clang"

missing=""
for p in $PACKAGES; do
    status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
    case "$status" in
        *"ok installed") ;;
        *) missing="$missing $p" ;;
    esac
done
[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
if [ "$(id -u)" != 0 ]; then
    echo "install-deps: not root; run as root: apt-get install$missing" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
log=$(mktemp)
# shellcheck disable=SC2086
if apt-get update -qq >"$log" 2>&1 &&
   apt-get install -y -qq --no-install-recommends $missing >>"$log" 2>&1; then
    rm -f "$log"
    echo "install-deps: done"
else
    cat "$log" >&2
    rm -f "$log"
    echo "install-deps: apt-get failed (output above)" >&2
    exit 1
fi
