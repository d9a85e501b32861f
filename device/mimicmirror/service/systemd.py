"""How the mirror talks to systemd: journald log lines, the notify socket, the status line, stop signals.

Logs: one line per message on stdout with its level in front; under systemd
the syslog priority `<N>` so `journalctl -p warning` works.

Notify: systemd starts the service with `$NOTIFY_SOCKET` (a filesystem path,
or an abstract socket written with a leading "@") and, when the unit has
`WatchdogSec=`, `$WATCHDOG_USEC` (and `$WATCHDOG_PID`). The service sends
newline-separated `KEY=value` datagrams: READY=1 once it is running,
WATCHDOG=1 while it is healthy (at half the watchdog period, so one late
ping does not kill it), STATUS= for `systemctl status`, STOPPING=1 on the
way out. Outside systemd (a laptop, a test without a socket) every call is a
quiet no-op, so the same code runs everywhere.

Sending never blocks the loop: a full or vanished socket drops the message
and logs once, because a late ping is better than a frozen mirror.

Stop: `systemctl stop` (and a shutdown) sends SIGTERM, a terminal's Ctrl+C
SIGINT; both set the loop's stop event, so the session in progress is ended,
written, and every part closed.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import signal
import socket
import sys
import threading
from typing import Iterator, Mapping, TextIO

from ..screen import Screen, ScreenKind

log = logging.getLogger(__name__)


# -- logging ---------------------------------------------------------------------------

class JournalFormatter(logging.Formatter):
    """One line per message with its level in front; journald reads `<N>` as the priority.

    Under systemd (JOURNAL_STREAM set) each line starts with the syslog priority
    `<3>`..`<7>`, so `journalctl -p warning` works; in a terminal it reads
    "WARNING: ...". No timestamps: the journal adds its own.
    """

    PRIORITIES = {logging.DEBUG: 7, logging.INFO: 6, logging.WARNING: 4, logging.ERROR: 3,
                  logging.CRITICAL: 2}

    def __init__(self, journal: bool) -> None:
        super().__init__("%(message)s")
        self.journal = journal

    def format(self, record: logging.LogRecord) -> str:
        text = super().format(record)
        if self.journal:
            prefix = f"<{self.PRIORITIES.get(record.levelno, 6)}>"
        else:
            prefix = f"{record.levelname}: "
        return "\n".join(prefix + line for line in text.splitlines() or [""])


def configure_logging(stream: TextIO | None = None, level: int = logging.INFO) -> None:
    """Log to stdout for journald (or a terminal), replacing any earlier setup."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(JournalFormatter(journal=bool(os.environ.get("JOURNAL_STREAM"))))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)


# -- what systemctl status says ---------------------------------------------------------

def describe(screen: Screen, session: int | None) -> str:
    """The one STATUS= line for a screen: what the mirror is doing, in a few words."""
    kind = screen.kind
    if kind == ScreenKind.IDLE:
        return "Waiting at the mirror"
    if kind == ScreenKind.ATTRACT:
        return "Someone at the mirror: waiting for NEXT"
    if kind == ScreenKind.NOTICE:
        return f"Notice: {screen.title}" if screen.title else "Notice on the mirror"
    prefix = f"Session {session}" if session else "Session"
    if kind == ScreenKind.SESSION_SUMMARY:
        return f"{prefix} finished: summary"
    if kind == ScreenKind.PAUSED:
        return f"{prefix}: paused"
    if kind == ScreenKind.NEUTRAL:
        return f"{prefix}: relaxed face capture"
    what = screen.exercise_id or screen.title or kind.value.replace("_", " ")
    if kind in (ScreenKind.PRACTICE, ScreenKind.INSTRUCTION, ScreenKind.EXERCISE_SUMMARY) and screen.reps_target:
        return f"{prefix}: {what}, rep {screen.rep}/{screen.reps_target}"
    return f"{prefix}: {what}"


# -- the notify socket -------------------------------------------------------------------


def _address(value: str) -> str | bytes:
    """`@name` is an abstract socket: a leading NUL byte on the wire."""
    if value.startswith("@"):
        return b"\0" + value[1:].encode()
    return value


def watchdog_interval_from(environ: Mapping[str, str]) -> float | None:
    """Seconds between pings (half of $WATCHDOG_USEC), or None when there is no watchdog for us.

    Follows sd_watchdog_enabled(): a $WATCHDOG_PID naming another process
    means the watchdog belongs to that process, not to this one.
    """
    usec = environ.get("WATCHDOG_USEC", "").strip()
    if not usec:
        return None
    pid = environ.get("WATCHDOG_PID", "").strip()
    if pid and pid != str(os.getpid()):
        return None
    try:
        value = int(usec)
    except ValueError:
        log.warning("ignoring WATCHDOG_USEC=%r: not a whole number of microseconds", usec)
        return None
    return value / 2_000_000 if value > 0 else None


class Notifier:
    """Sends READY/WATCHDOG/STATUS/STOPPING datagrams to the service manager.

    `address` is the value of $NOTIFY_SOCKET (None: do nothing);
    `watchdog_interval` the seconds between WATCHDOG=1 pings the caller
    should keep (None: the unit has no watchdog, pings are not needed).
    """

    def __init__(self, address: str | None, watchdog_interval: float | None = None) -> None:
        self.address = address or None
        self.watchdog_interval = watchdog_interval if self.address else None
        self._sock: socket.socket | None = None
        self._warned = False
        self._last_status: str | None = None
        if self.address:
            self._sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC)
            self._sock.setblocking(False)

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> "Notifier":
        """The notifier systemd asked for through the environment (a no-op outside systemd)."""
        env = os.environ if environ is None else environ
        return cls(env.get("NOTIFY_SOCKET") or None, watchdog_interval_from(env))

    @property
    def enabled(self) -> bool:
        return self._sock is not None

    def send(self, *assignments: str) -> bool:
        """Send one datagram of `KEY=value` lines; True when it was handed to the socket."""
        if self._sock is None or not assignments:
            return False
        message = "\n".join(assignments).encode()
        try:
            self._sock.sendto(message, _address(self.address))
        except OSError as e:
            if not self._warned:
                reason = "busy" if e.errno in (errno.EAGAIN, errno.EWOULDBLOCK) else e.strerror
                log.warning("service manager notification not sent (%s: %s)", self.address, reason)
                self._warned = True
            return False
        return True

    def ready(self) -> bool:
        return self.send("READY=1")

    def watchdog(self) -> bool:
        return self.send("WATCHDOG=1")

    def status(self, text: str) -> bool:
        """One line for `systemctl status`; repeating the same line sends nothing."""
        line = " ".join(text.split())
        if line == self._last_status:
            return False
        self._last_status = line
        return self.send(f"STATUS={line}")

    def stopping(self) -> bool:
        return self.send("STOPPING=1")

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


@contextlib.contextmanager
def stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` (only the main thread may take signals)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    handler = lambda signum, frame: stop.set()  # noqa: E731
    previous = {sig: signal.signal(sig, handler) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for sig, old in previous.items():
            signal.signal(sig, old)
