#!/usr/bin/env bash
# Installs the Debian packages the test suite needs when they are missing.
# Only acts as root on a Debian-like system; otherwise says what is missing.
set -euo pipefail
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)       # the therapist's report, in a real browser
command -v shellcheck >/dev/null 2>&1 || missing+=(shellcheck)   # the Pi installer script
command -v espeak-ng >/dev/null 2>&1 || missing+=(espeak-ng)     # the spoken cues
command -v mkfs.vfat >/dev/null 2>&1 || missing+=(dosfstools)    # real FAT sticks for the stick tests
command -v mcopy >/dev/null 2>&1 || missing+=(mtools)            # ... read and written without mounting
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${missing[*]} (for the tests)..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
    echo "Note: ${missing[*]} not installed; the tests that need it will be skipped." >&2
fi
