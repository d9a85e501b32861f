"""The hand-off between two threads: the newest item wins, nothing queues, errors cross over."""

from __future__ import annotations

import threading
import time

import pytest

from mimicmirror.camera.handoff import Handoff


def test_the_consumer_takes_the_newest_item_and_the_ones_it_never_saw_are_counted_as_dropped():
    handoff: Handoff[int] = Handoff()
    for n in range(5):
        handoff.put(n)
    assert handoff.take(0.0) == 4
    assert handoff.dropped == 4
    assert handoff.take(0.0) is None            # nothing new: the same item is not taken twice


def test_a_take_waits_for_the_next_item_put_from_another_thread():
    handoff: Handoff[str] = Handoff()
    threading.Timer(0.05, handoff.put, ("next",)).start()
    assert handoff.take(5.0) == "next"


def test_a_take_with_nothing_put_returns_none_when_its_time_runs_out():
    handoff: Handoff[int] = Handoff()
    began = time.monotonic()
    assert handoff.take(0.05) is None
    assert time.monotonic() - began >= 0.05


def test_the_producers_error_is_raised_by_the_next_take_after_the_items_put_before_it():
    handoff: Handoff[int] = Handoff()
    handoff.put(1)
    handoff.fail(OSError("unplugged"))
    assert handoff.take(0.0) == 1
    with pytest.raises(OSError, match="unplugged"):
        handoff.take(0.0)


def test_ahead_hands_over_every_item_in_order_with_the_producer_at_most_that_many_ahead():
    handoff: Handoff[int] = Handoff(ahead=2)
    made: list[int] = []

    def produce() -> None:
        for n in range(10):
            if not handoff.room():
                return
            made.append(n)
            handoff.put(n)

    producer = threading.Thread(target=produce)
    producer.start()
    time.sleep(0.1)                             # nobody takes yet
    assert made == [0, 1]                       # two ahead, the third waits for room
    got = [handoff.take(5.0) for _ in range(10)]
    producer.join(5.0)
    assert got == list(range(10)) and handoff.dropped == 0


def test_asking_makes_the_producer_wait_for_each_request_and_hands_over_its_time_out():
    handoff: Handoff[float] = Handoff()
    asked: list[float] = []

    def produce() -> None:
        while (timeout := handoff.asked()) is not None:
            asked.append(timeout)
            handoff.put(timeout * 10)

    producer = threading.Thread(target=produce)
    producer.start()
    time.sleep(0.05)
    assert asked == []                          # nothing is made before it is asked for
    handoff.ask(0.5)
    assert handoff.take(5.0) == 5.0
    handoff.ask(0.25)
    assert handoff.take(5.0) == 2.5
    handoff.close()
    producer.join(5.0)
    assert asked == [0.5, 0.25] and not producer.is_alive()


def test_close_ends_the_producers_waits_and_reset_opens_it_again_with_nothing_in_it():
    handoff: Handoff[int] = Handoff(ahead=1)
    handoff.put(1)
    ended: list[bool] = []
    waiter = threading.Thread(target=lambda: ended.append(handoff.room()))
    waiter.start()
    handoff.close()
    waiter.join(5.0)
    assert ended == [False] and handoff.closed
    assert handoff.pause(5.0) is False          # returns at once when closed
    handoff.reset()
    assert not handoff.closed and handoff.take(0.0) is None


def test_close_ends_a_consumers_wait_and_items_put_before_it_are_still_taken():
    handoff: Handoff[int] = Handoff(ahead=2)
    handoff.put(1)
    handoff.close()
    assert handoff.take(5.0) == 1
    got: list = []
    waiter = threading.Thread(target=lambda: got.append(handoff.take(30.0)))
    waiter.start()
    waiter.join(5.0)                                # far short of the take's 30 s
    assert got == [None] and not waiter.is_alive()
