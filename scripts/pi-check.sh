#!/usr/bin/env bash
# Checks the Raspberry Pi's software on a PC: builds a 64-bit ARM Debian Bookworm
# (the base of Raspberry Pi OS Bookworm, Python 3.11) with mmdebstrap, runs it
# through qemu-user-static, installs the project there with systemd/install.sh
# (without Raspberry Pi's own archive: no camera or GPIO library), analyses the
# bundled faces with the installed program and compares every measure with the
# same analysis on this machine; then the same for measures followed in the image from a
# relaxed face (`analyze --neutral`: simulated movements and a turned head on one of
# them, made on this machine). Slow (tens of minutes), so not part of `make test`.
#
#   sudo scripts/pi-check.sh [--root DIR] [--reuse] [--tolerance X] [--followed-tolerance Y]
#
# --root DIR     where the ARM root file system goes (default /var/tmp/mimicmirror-pi-root);
#                the script only ever deletes a folder it made itself
# --reuse        keep an ARM root file system from an earlier run (skip mmdebstrap; what
#                that run installed is removed first)
# --tolerance X  largest allowed difference of a measure, in its noise floors (each
#                measure's own unit: 0.01 IID for a length, 1 degree for the smile's
#                angle; default 0.5)
# --followed-tolerance Y  the same for measures followed from a relaxed face (default 1:
#                the followed texture rounds a grey level the other way where the warp's
#                pixels differ by one; measured up to 0.16 floors, the smile's angle on a
#                brow raise, every length within 0.15)
#
# pip inside the ARM system uses this machine's pip settings: the certificate
# bundle and any index URLs that pip's own configuration names.
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROOT=/var/tmp/mimicmirror-pi-root
REUSE=0
TOLERANCE=0.5
FOLLOWED_TOLERANCE=1
MARKER=.mimicmirror-pi-check
# What Raspberry Pi OS Lite has before the installer runs: Python, systemd, udev, users.
BASE_PACKAGES=ca-certificates,python3,systemd,udev,passwd,sudo
SRC_IN_ROOT=/opt/mimicmirror-src

while [ $# -gt 0 ]; do
    case "$1" in
        --root) ROOT="${2:?--root needs a directory}"; shift ;;
        --reuse) REUSE=1 ;;
        --tolerance) TOLERANCE="${2:?--tolerance needs a number}"; shift ;;
        --followed-tolerance) FOLLOWED_TOLERANCE="${2:?--followed-tolerance needs a number}"; shift ;;
        -h|--help) sed -n '2,26p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        *) echo "pi-check.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

die() { printf 'pi-check.sh: %s\n' "$*" >&2; exit 1; }
STARTED=$SECONDS
stage() { printf '\n== [%4ds] %s\n' "$((SECONDS - STARTED))" "$*"; }

[ "$(id -u)" -eq 0 ] || die "run it as root (mmdebstrap, binfmt_misc and chroot need it): sudo $0"

tools() {
    local missing=()
    command -v mmdebstrap >/dev/null || missing+=(mmdebstrap)
    command -v arch-test >/dev/null || missing+=(arch-test)
    command -v update-binfmts >/dev/null || missing+=(binfmt-support)
    [ -x /usr/bin/qemu-aarch64-static ] || missing+=(qemu-user-static)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing ${missing[*]}..."
    apt-get update -qq >/dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

binfmt() {
    if [ ! -e /proc/sys/fs/binfmt_misc/status ]; then
        mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc
    fi
    update-binfmts --enable qemu-aarch64 >/dev/null 2>&1 || true
    arch-test arm64 >/dev/null || die "this machine cannot run arm64 programs (binfmt_misc with qemu-aarch64)"
}

make_root() {
    if [ "$REUSE" -eq 1 ] && [ -f "$ROOT/$MARKER" ]; then
        # Only the base system is reused: what an earlier run installed goes, so this run
        # checks a first install again (a kept settings file would test an upgrade instead).
        echo "reusing $ROOT (without the earlier run's installation)"
        rm -rf --one-file-system "$ROOT/opt/mimicmirror" "$ROOT/etc/mimicmirror" "$ROOT/var/lib/mimicmirror" \
            "$ROOT/tmp/pi-check"
        return
    fi
    if [ -e "$ROOT" ]; then
        [ -f "$ROOT/$MARKER" ] || die "$ROOT exists and was not made by this script; choose another --root"
        rm -rf --one-file-system "$ROOT"
    fi
    mmdebstrap --quiet --architectures=arm64 --variant=apt --include="$BASE_PACKAGES" bookworm "$ROOT"
    touch "$ROOT/$MARKER"
}

# The project as it is in this work tree (tracked and new files, not ignored ones).
copy_project() {
    rm -rf "${ROOT:?}$SRC_IN_ROOT"
    mkdir -p "$ROOT$SRC_IN_ROOT"
    git -C "$REPO" ls-files -z --cached --others --exclude-standard \
        | (cd "$REPO" && tar --null --no-recursion -T - -cf - 2>/dev/null) \
        | tar -xf - -C "$ROOT$SRC_IN_ROOT"
}

# pip's settings on this machine that an ARM system needs too: its certificate
# bundle (a company or proxy CA) and index URLs over http(s). Local folders and
# x86 wheel caches are not passed on.
PIP_ENV=()
pip_settings() {
    local cert="${PIP_CERT:-}" key value url urls=()
    [ -n "$cert" ] || cert="$(python3 -m pip config get global.cert 2>/dev/null || true)"
    if [ -n "$cert" ] && [ -f "$cert" ]; then
        install -m 0644 "$cert" "$ROOT/etc/ssl/certs/pip-check-bundle.pem"
        PIP_ENV+=("PIP_CERT=/etc/ssl/certs/pip-check-bundle.pem")
    fi
    for key in index-url extra-index-url; do
        value="$(python3 -m pip config get "global.$key" 2>/dev/null || true)"
        urls=()
        for url in $value; do
            [[ $url =~ ^https?:// ]] && urls+=("$url")
        done
        [ ${#urls[@]} -eq 0 ] && continue
        key="${key//-/_}"
        PIP_ENV+=("PIP_${key^^}=${urls[*]}")
    done
    PIP_ENV+=("PIP_DEFAULT_TIMEOUT=180" "PIP_DISABLE_PIP_VERSION_CHECK=1")
}

MOUNTS=()
mount_system() {
    local d
    for d in proc sys dev dev/pts; do
        mount --bind "/$d" "$ROOT/$d"
        MOUNTS=("$ROOT/$d" "${MOUNTS[@]}")
    done
    cp -L /etc/resolv.conf "$ROOT/etc/resolv.conf"
}
unmount_system() {
    local m
    for m in "${MOUNTS[@]}"; do umount -l "$m" 2>/dev/null || true; done
}
trap unmount_system EXIT

in_root() {
    chroot "$ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "${PIP_ENV[@]}" "$@"
}

# Paths of the bundled faces (matplotlib's grace_hopper.jpg, scikit-image's astronaut.png).
FACES_PY='import matplotlib, skimage, pathlib
print(pathlib.Path(matplotlib.get_data_path(), "sample_data", "grace_hopper.jpg"))
print(pathlib.Path(skimage.data.__file__).parent / "astronaut.png")'

# Simulated movements of the astronaut (the bundled scikit-image face), written as lossless
# pictures into the folder given: her relaxed face, a one-sided brow raise and smile, and
# her still face turned 6 degrees. Both machines analyse the same files.
SIM_PY='import sys, pathlib, cv2
from mimicmirror.sim.faces import load_face
from mimicmirror.sim.warp import ExerciseWarper
out = pathlib.Path(sys.argv[1]); out.mkdir(parents=True, exist_ok=True)
warper = ExerciseWarper(load_face("astronaut"))
pictures = {"relaxed": warper.neutral, "brow_raise": warper.render("brow_raise", 0.4, 1.0),
            "smile": warper.render("smile", 1.0, 0.5), "turned": warper.turned(6.0, 0.0)}
for name, rgb in pictures.items():
    cv2.imwrite(str(out / f"{name}.png"), cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))'

# compare ARM.json X86.json FLOORS.json [TOLERANCE]: every measure within TOLERANCE noise floors.
# Each measure's noise floor, in its own unit, as this machine's program has them.
FLOORS_PY='import json
from mimicmirror.face.measures import NOISE_FLOOR
print(json.dumps(dict(NOISE_FLOOR)))'

compare() {
    python3 - "$1" "$2" "$3" "${4:-$TOLERANCE}" <<'EOF'
import json, sys
arm, x86 = json.load(open(sys.argv[1]))["frames"], json.load(open(sys.argv[2]))["frames"]
floor, tol = json.load(open(sys.argv[3])), float(sys.argv[4])
assert len(arm) == len(x86), f"{len(arm)} frames on arm64, {len(x86)} on x86"
worst, bad = 0.0, []
for a, x in zip(arm, x86):
    name = x["source"].rsplit("/", 1)[-1]
    if (a["face"], a["quality"]["ok"], a["quality"]["reason"]) != (x["face"], x["quality"]["ok"], x["quality"]["reason"]):
        bad.append(f"{name}: verdict {a['quality']} on arm64, {x['quality']} on x86")
    pose = max(abs(a["quality"][k] - x["quality"][k]) for k in ("roll_deg", "yaw_deg", "pitch_deg"))
    diffs = {f"{m}.{s}": abs(a["measures"][m][s] - v[s]) / floor[m]
             for m, v in x.get("measures", {}).items() for s in ("left", "right")}
    top = max(diffs, key=diffs.get) if diffs else None
    print(f"{name}: {len(diffs)} values, largest difference {diffs[top]:.3f} noise floors ({top}); "
          f"pose within {pose:.3f}°" if top else f"{name}: no measures")
    worst = max([worst, *diffs.values()])
    bad += [f"{name}: {k} differs by {d:.3f} noise floors" for k, d in diffs.items() if d > tol]
print(f"largest difference of any measure: {worst:.3f} noise floors (allowed {tol})")
for line in bad:
    print("MISMATCH", line)
sys.exit(1 if bad else 0)
EOF
}

main() {
    local venv=/opt/mimicmirror/venv out="$ROOT/tmp/pi-check"
    stage "tools and binfmt_misc"
    tools
    binfmt
    stage "arm64 Debian bookworm in $ROOT"
    make_root
    copy_project
    pip_settings
    mount_system
    in_root python3 -c 'import platform, sys; print(platform.machine(), sys.version.split()[0])'
    stage "apt's numpy, as picamera2 would bring it"
    in_root apt-get update -qq
    in_root apt-get install -y -qq --no-install-recommends python3-numpy ${BASE_PACKAGES//,/ } >/dev/null
    stage "systemd/install.sh --plain-debian --no-start"
    in_root bash "$SRC_IN_ROOT/systemd/install.sh" --plain-debian --no-start --source "$SRC_IN_ROOT"
    stage "scikit-image for the second bundled face"
    in_root "$venv/bin/python" -m pip install --quiet -c "$SRC_IN_ROOT/constraints.txt" scikit-image
    in_root "$venv/bin/python" -c 'import numpy; print("numpy in the venv:", numpy.__version__, numpy.__file__)'
    stage "installed program: config check, analyze on arm64"
    in_root "$venv/bin/mimicmirror" config check
    mkdir -p "$out"
    mapfile -t faces < <(in_root "$venv/bin/python" -c "$FACES_PY")
    local t0=$SECONDS
    in_root "$venv/bin/mimicmirror" analyze --json "${faces[@]}" >"$out/arm64.json"
    echo "analysed ${#faces[@]} faces on arm64 in $((SECONDS - t0)) s"
    stage "the same on this machine"
    [ -x "$REPO/.venv/bin/mimicmirror" ] || make -C "$REPO" .venv/.installed
    mapfile -t faces < <("$REPO/.venv/bin/python" -c "$FACES_PY")
    "$REPO/.venv/bin/mimicmirror" analyze --json "${faces[@]}" >"$out/x86.json"
    stage "compare"
    "$REPO/.venv/bin/python" -c "$FLOORS_PY" >"$out/noise_floor.json"
    local failed=0
    compare "$out/arm64.json" "$out/x86.json" "$out/noise_floor.json" || failed=1
    stage "followed from a relaxed face: simulated movements, on both machines"
    "$REPO/.venv/bin/python" -c "$SIM_PY" "$out/sim"
    local name arm=() here=()
    for name in brow_raise smile turned; do
        arm+=("/tmp/pi-check/sim/$name.png")
        here+=("$out/sim/$name.png")
    done
    in_root "$venv/bin/mimicmirror" analyze --json --neutral /tmp/pi-check/sim/relaxed.png "${arm[@]}" \
        >"$out/arm64-followed.json"
    "$REPO/.venv/bin/mimicmirror" analyze --json --neutral "$out/sim/relaxed.png" "${here[@]}" \
        >"$out/x86-followed.json"
    compare "$out/arm64-followed.json" "$out/x86-followed.json" "$out/noise_floor.json" "$FOLLOWED_TOLERANCE" \
        || failed=1
    if [ "$failed" -eq 0 ]; then
        stage "PASS: arm64 gives the same measures ($((SECONDS - STARTED)) s in all)"
    else
        stage "FAIL: arm64 and x86 differ ($((SECONDS - STARTED)) s in all)"
        exit 1
    fi
}

main
