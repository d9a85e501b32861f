"""The systemd notify protocol, received on a real datagram socket bound here."""

from __future__ import annotations

import os
import socket
import uuid

import pytest

from mimicmirror.service.systemd import Notifier, watchdog_interval_from


@pytest.fixture(params=["path", "abstract"])
def manager(request, tmp_path):
    """A stand-in for systemd's notify socket: (NOTIFY_SOCKET value, receiving socket)."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    if request.param == "path":
        value = str(tmp_path / "notify")
        sock.bind(value)
    else:
        value = f"@mimicmirror-test-{uuid.uuid4().hex}"
        sock.bind(b"\0" + value[1:].encode())
    sock.settimeout(2.0)
    yield value, sock
    sock.close()


def received(sock: socket.socket) -> str:
    return sock.recv(4096).decode()


def test_ready_watchdog_status_stopping_arrive_in_order(manager):
    value, sock = manager
    notifier = Notifier.from_env({"NOTIFY_SOCKET": value, "WATCHDOG_USEC": "10000000"})
    assert notifier.enabled
    assert notifier.ready()
    assert notifier.watchdog()
    assert notifier.status("Session 2: smile, rep 3/5")
    assert notifier.stopping()
    assert [received(sock) for _ in range(4)] == [
        "READY=1", "WATCHDOG=1", "STATUS=Session 2: smile, rep 3/5", "STOPPING=1"]
    notifier.close()


def test_status_is_one_line_and_not_repeated(manager):
    value, sock = manager
    notifier = Notifier(value)
    assert notifier.status("Camera lost,\nretrying")
    assert not notifier.status("Camera lost, retrying")
    assert notifier.status("Running")
    assert received(sock) == "STATUS=Camera lost, retrying"
    assert received(sock) == "STATUS=Running"


def test_without_notify_socket_every_call_is_a_quiet_no_op():
    notifier = Notifier.from_env({})
    assert not notifier.enabled
    assert notifier.watchdog_interval is None
    assert not notifier.ready()
    assert not notifier.watchdog()
    assert not notifier.status("anything")
    assert not notifier.stopping()


def test_watchdog_interval_is_half_the_watchdog_period():
    assert watchdog_interval_from({"WATCHDOG_USEC": "20000000"}) == 10.0
    assert watchdog_interval_from({"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": str(os.getpid())}) == 10.0


@pytest.mark.parametrize("env", [
    {},
    {"WATCHDOG_USEC": "0"},
    {"WATCHDOG_USEC": "soon"},
    {"WATCHDOG_USEC": "20000000", "WATCHDOG_PID": "1"},  # the watchdog belongs to another process
])
def test_no_watchdog_when_systemd_did_not_ask_this_process(env):
    assert watchdog_interval_from(env) is None


def test_a_vanished_socket_does_not_stop_the_caller(tmp_path):
    notifier = Notifier(str(tmp_path / "gone"))
    assert not notifier.ready()
    assert not notifier.watchdog()


def test_a_full_socket_drops_the_message_instead_of_blocking(tmp_path):
    path = str(tmp_path / "notify")
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(path)
    try:
        notifier = Notifier(path)
        # nobody reads: the receive queue fills up and sending must return, not wait
        results = [notifier.watchdog() for _ in range(5000)]
        assert results[0] is True
        assert results[-1] is False
    finally:
        sock.close()
