#!/usr/bin/env bash
# Installs Mimic Mirror on Raspberry Pi OS (Bookworm) so it starts at boot.
#
#   sudo systemd/install.sh            install (or update) and start the service
#   systemd/install.sh --dry-run       print every step without doing anything
#
# Run it from a copy of the project on the Pi. Running it again updates the
# program and the service; the configuration in /etc/mimicmirror is kept.
set -euo pipefail

SOURCE_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PREFIX=/opt/mimicmirror
VENV="$PREFIX/venv"
CONFIG_DIR=/etc/mimicmirror
UNIT_DIR=/etc/systemd/system
UNIT=mimicmirror.service
# The USB stick units (FAT in place, exFAT mounted) and the udev rule that starts them.
STICK_UNITS=(mimicmirror-stick@.service mimicmirror-stick-exfat@.service)
UDEV_RULE=90-mimicmirror-stick.rules
UDEV_DIR=/etc/udev/rules.d
SERVICE_USER=mimicmirror
STATE_DIR=/var/lib/mimicmirror
# The hashes of every default programme shipped so far: an unchanged one is updated.
SHIPPED_PROGRAMMES="$SOURCE_DIR/systemd/default-programmes.sha256"
APT_SOURCES_DIR=/etc/apt
GROUPS_NEEDED=(video render gpio input audio)

# python3-picamera2: the camera library, only from Raspberry Pi OS (the venv sees it).
# python3-lgpio: the GPIO library gpiozero uses on a Pi 4 and Pi 5.
# Both come from Raspberry Pi's own archive, which plain Debian does not have.
PI_ARCHIVE_PACKAGES=(python3-picamera2 python3-lgpio)
# libegl1 libgles2 libgbm1 libdrm2: what pygame-ce's SDL loads to draw with KMS/DRM.
# libgl1 libglib2.0-0: what OpenCV (inside the face model's package) links against.
# espeak-ng: the spoken cues, rendered once, offline (it brings libasound2, which SDL plays
# through); alsa-utils: aplay -l and alsamixer, to find the speaker and set its level.
# mtools: the FAT stick unit reads and writes a stick without mounting it.
APT_PACKAGES=(
    python3-venv python3-pip
    libegl1 libgles2 libgbm1 libdrm2
    libgl1 libglib2.0-0
    fonts-dejavu-core
    espeak-ng alsa-utils
    mtools
)

DRY_RUN=0
START=1
PLAIN_DEBIAN=0

usage() {
    cat <<EOF
Usage: $0 [--dry-run] [--no-start] [--source DIR]

Installs Mimic Mirror as a service that starts at boot:
  apt packages, a Python environment in $VENV, the user '$SERVICE_USER',
  the settings in $CONFIG_DIR (kept if present), $UNIT_DIR/$UNIT,
  the USB stick units (${STICK_UNITS[*]}) and $UDEV_DIR/$UDEV_RULE.

  --dry-run     print every step without doing it
  --no-start    enable the service for the next boot but do not start it now
  --source DIR  the project to install (default: $SOURCE_DIR)
  --plain-debian  install on 64-bit Debian Bookworm without Raspberry Pi's archive:
                no camera and no GPIO library, so only the face analysis and the
                demo work (a test install; scripts/pi-check.sh uses it)
EOF
}

while [ $# -gt 0 ]; do
    case "$1" in
        --dry-run) DRY_RUN=1 ;;
        --no-start) START=0 ;;
        --plain-debian) PLAIN_DEBIAN=1 ;;
        --source) SOURCE_DIR="$(cd "${2:?--source needs a directory}" && pwd)"; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "install.sh: unknown option '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done

# Every change to the system goes through `run`, so --dry-run shows all of them.
run() {
    if [ "$DRY_RUN" -eq 1 ]; then
        local arg line="+"
        for arg in "$@"; do
            if [[ $arg =~ ^[A-Za-z0-9_./:=,@%+-]+$ ]]; then line+=" $arg"; else line+=" $(printf '%q' "$arg")"; fi
        done
        printf '%s\n' "$line"
    else
        "$@"
    fi
}

step() { printf '\n== %s\n' "$*"; }
note() { printf 'Note: %s\n' "$*" >&2; }
die() { printf 'install.sh: %s\n' "$*" >&2; exit 1; }

preflight() {
    [ -f "$SOURCE_DIR/pyproject.toml" ] || die "$SOURCE_DIR is not the Mimic Mirror project (no pyproject.toml)"
    for f in config/mimicmirror.toml config/exercises.toml constraints.txt "systemd/$UNIT" "systemd/$UDEV_RULE" \
        systemd/default-programmes.sha256 \
        "${STICK_UNITS[@]/#/systemd/}"; do
        [ -f "$SOURCE_DIR/$f" ] || die "$SOURCE_DIR/$f is missing"
    done
    if [ "$DRY_RUN" -eq 0 ] && [ "$(id -u)" -ne 0 ]; then
        die "run it as root: sudo $0"
    fi
    if ! grep -qs 'VERSION_CODENAME=bookworm' /etc/os-release; then
        note "this is not Raspberry Pi OS Bookworm; the package names may differ."
    fi
    local arch
    arch="$(dpkg --print-architecture 2>/dev/null || uname -m)"
    case "$arch" in
        arm64|amd64) ;;
        armhf|armel|arm*) die "this is a 32-bit system ($arch): the face model has no 32-bit build; install Raspberry Pi OS (64-bit) Bookworm" ;;
        *) note "untested architecture '$arch'; the face model has builds for arm64 and amd64 only." ;;
    esac
    if [ "$PLAIN_DEBIAN" -eq 0 ] && ! has_pi_archive; then
        die "python3-picamera2 is not in the apt sources (plain Debian, not Raspberry Pi OS): install Raspberry Pi OS (64-bit) Bookworm, or see --help for --plain-debian"
    fi
    if [ "$(systemctl get-default 2>/dev/null || true)" = graphical.target ]; then
        note "the Pi boots to a desktop, which holds the screen. Make it boot to the console:"
        note "  sudo raspi-config nonint do_boot_behaviour B1   (or: sudo systemctl set-default multi-user.target)"
    fi
}

# Raspberry Pi OS lists archive.raspberrypi.com among its apt sources; apt may
# not have read them yet on a fresh card, so the sources count as well as apt.
has_pi_archive() {
    apt-cache policy python3-picamera2 2>/dev/null | grep -q 'Candidate: [0-9]' && return 0
    grep -rqs 'raspberrypi\.\(com\|org\)' "$APT_SOURCES_DIR/sources.list" "$APT_SOURCES_DIR/sources.list.d/"
}

install_packages() {
    step "System packages"
    local packages=("${APT_PACKAGES[@]}")
    [ "$PLAIN_DEBIAN" -eq 1 ] || packages=("${PI_ARCHIVE_PACKAGES[@]}" "${packages[@]}")
    run apt-get update
    run env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${packages[@]}"
}

create_user() {
    step "Service user '$SERVICE_USER' (no login, no home) in groups ${GROUPS_NEEDED[*]}"
    local group
    for group in "${GROUPS_NEEDED[@]}"; do
        if ! getent group "$group" >/dev/null; then
            run groupadd --system "$group"
        fi
    done
    if ! getent passwd "$SERVICE_USER" >/dev/null; then
        run useradd --system --user-group --home-dir "$STATE_DIR" --no-create-home \
            --shell /usr/sbin/nologin --comment "Mimic Mirror" "$SERVICE_USER"
    fi
    run usermod --append --groups "$(IFS=,; echo "${GROUPS_NEEDED[*]}")" "$SERVICE_USER"
}

install_program() {
    step "Python environment in $VENV (sees the system's picamera2 and lgpio)"
    run install -d -m 0755 "$PREFIX"
    run python3 -m venv --system-site-packages "$VENV"
    run "$VENV/bin/python" -m pip install --upgrade pip
    # constraints.txt: the exact versions that fit mediapipe's numpy<2, so pip
    # installs them straight away instead of trying release after release.
    # numpy: the venv gets its own numpy 1.26.4 in front of apt's 1.24.2, because
    # the face model's jax needs numpy 1.26 or newer; picamera2 and its compiled
    # helpers were built against numpy 1.24, and numpy 1.x runs modules built
    # against an older 1.x (not the other way round), so they work on 1.26.
    run "$VENV/bin/python" -m pip install --upgrade -c "$SOURCE_DIR/constraints.txt" "$SOURCE_DIR"
}

install_config() {
    step "Settings in $CONFIG_DIR (existing files are kept, but for an earlier default programme nobody changed; the mirror and its stick unit may replace them)"
    run install -d -m 2775 -o root -g "$SERVICE_USER" "$CONFIG_DIR"
    local programme="$CONFIG_DIR/exercises.toml"
    if [ -e "$programme" ] && cmp -s "$programme" "$SOURCE_DIR/config/exercises.toml"; then
        echo "keeping $programme (the current default programme)"
    elif [ -e "$programme" ] && grep -qx "$(sha256sum < "$programme" | cut -d' ' -f1)" "$SHIPPED_PROGRAMMES"; then
        # An earlier default nobody changed: its keys may be ones this version no longer
        # reads, so it is replaced, not kept. An edited or a therapist's own programme is kept.
        echo "updating $programme: it is an earlier default programme, unchanged"
        run install -m 0644 "$SOURCE_DIR/config/exercises.toml" "$programme"
    elif [ -e "$programme" ]; then
        echo "keeping $programme"
    else
        run install -m 0644 "$SOURCE_DIR/config/exercises.toml" "$programme"
    fi
    # The device settings are not copied: with none, the mirror opens its settings menu on the
    # glass at its first start and saves them there (or: sudo mimicmirror setup).
    if [ -e "$CONFIG_DIR/mimicmirror.toml" ]; then
        echo "keeping $CONFIG_DIR/mimicmirror.toml"
        run "$VENV/bin/mimicmirror" config check "$CONFIG_DIR/mimicmirror.toml"
    else
        echo "no settings yet: the mirror asks for them on its first start (or: sudo mimicmirror setup)"
    fi
}

install_unit() {
    step "Service $UNIT (starts at boot)"
    run install -m 0644 "$SOURCE_DIR/systemd/$UNIT" "$UNIT_DIR/$UNIT"
    local stick_unit
    for stick_unit in "${STICK_UNITS[@]}"; do
        run install -m 0644 "$SOURCE_DIR/systemd/$stick_unit" "$UNIT_DIR/$stick_unit"
    done
    run install -m 0644 "$SOURCE_DIR/systemd/$UDEV_RULE" "$UDEV_DIR/$UDEV_RULE"
    # Reloading and starting need a running systemd (and udevd); an image being
    # prepared in a chroot has neither, and takes the files at its first boot.
    if [ "$DRY_RUN" -eq 0 ] && [ ! -d /run/systemd/system ]; then
        note "systemd is not running here (an image in preparation?): the service starts at the next boot."
        run systemctl enable "$UNIT"
        return
    fi
    run udevadm control --reload-rules
    run systemctl daemon-reload
    run systemctl enable "$UNIT"
    if [ "$START" -eq 1 ]; then
        run systemctl restart "$UNIT"
    fi
}

main() {
    preflight
    [ "$DRY_RUN" -eq 1 ] && echo "Dry run: these are the steps; nothing is changed."
    install_packages
    create_user
    install_program
    install_config
    install_unit
    step "Done"
    cat <<EOF
Check the hardware:   sudo systemctl stop $UNIT; $VENV/bin/mimicmirror check; sudo systemctl start $UNIT
                      (as your own user: the first user of Raspberry Pi OS is in the groups it needs)
Settings:             on the mirror: at its first start, or hold both buttons 3 s while it is idle;
                      or $CONFIG_DIR/mimicmirror.toml (then: sudo systemctl restart $UNIT)
USB stick:            plug it in while the mirror is idle: settings in, report out
                      (what happened: journalctl -u 'mimicmirror-stick*')
Is it running:        systemctl status $UNIT    Its log: journalctl -u $UNIT
EOF
}

main
