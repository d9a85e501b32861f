"""NEXT and REPEAT on gpiozero mock pins (real gpiozero events), and as window keys."""

from __future__ import annotations

import pytest
from gpiozero import Button
from gpiozero.pins.mock import MockFactory

from mimicmirror.clock import SimClock
from mimicmirror.config import defaults
from mimicmirror.controls.buttons import GpioButtons, KeyboardButtons, NoButtons, open_buttons
from mimicmirror.errors import UserError
from mimicmirror.events import ButtonEvent, ButtonName, KeyChange

NEXT, REPEAT = ButtonName.NEXT, ButtonName.REPEAT
LONG, DEBOUNCE = 1.5, 0.05


@pytest.fixture
def factory():
    factory = MockFactory()
    yield factory
    factory.reset()


@pytest.fixture
def clock():
    return SimClock(start=100.0)


@pytest.fixture
def buttons(factory, clock):
    buttons = GpioButtons(17, 27, LONG, DEBOUNCE, clock, pin_factory=factory)
    yield buttons
    buttons.close()


def edges(factory, clock, pin: int, *timeline: tuple[float, bool]) -> None:
    """Drive a button wired to ground: pressed pulls the pin low."""
    for t, pressed in timeline:
        clock.advance_to(t)
        if pressed:
            factory.pin(pin).drive_low()
        else:
            factory.pin(pin).drive_high()


def poll_at(buttons, clock, t: float) -> list[ButtonEvent]:
    clock.advance_to(t)
    return buttons.events()


def test_short_press_is_one_event_on_release(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True))
    assert poll_at(buttons, clock, 101.1) == []
    edges(factory, clock, 17, (101.2, False))
    assert poll_at(buttons, clock, 101.3) == [ButtonEvent(101.2, NEXT)]
    assert poll_at(buttons, clock, 102.0) == []


def test_press_between_two_polls_is_not_lost(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True), (101.2, False), (101.5, True), (101.6, False))
    assert poll_at(buttons, clock, 103.0) == [ButtonEvent(101.2, NEXT), ButtonEvent(101.6, NEXT)]


def test_long_next_fires_when_the_hold_passes_the_threshold(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True))
    assert poll_at(buttons, clock, 102.0) == []
    assert poll_at(buttons, clock, 102.6) == [ButtonEvent(102.5, NEXT, long=True)]
    edges(factory, clock, 17, (104.0, False))
    assert poll_at(buttons, clock, 104.1) == []          # letting go adds nothing


def test_long_press_is_seen_even_if_nobody_polled_during_the_hold(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True), (103.0, False))
    assert poll_at(buttons, clock, 103.5) == [ButtonEvent(102.5, NEXT, long=True)]


def test_contact_bounce_within_debounce_is_one_press(buttons, factory, clock):
    edges(factory, clock, 17,
          (101.000, True), (101.010, False), (101.020, True),     # press bounces
          (101.300, False), (101.305, True), (101.312, False))    # so does the release
    assert poll_at(buttons, clock, 101.5) == [ButtonEvent(101.312, NEXT)]


def test_glitch_shorter_than_debounce_is_no_press(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True), (101.02, False))
    assert poll_at(buttons, clock, 102.0) == []


def test_both_buttons_in_order_and_repeat_has_no_long_press(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True), (101.2, False))
    edges(factory, clock, 27, (102.0, True))
    assert poll_at(buttons, clock, 104.0) == [ButtonEvent(101.2, NEXT)]   # held REPEAT: nothing yet
    edges(factory, clock, 27, (105.0, False))
    assert poll_at(buttons, clock, 105.1) == [ButtonEvent(105.0, REPEAT)]


def test_button_held_at_start_is_not_a_press(factory, clock):
    factory.pin(17).drive_low()                          # leaning on NEXT while the mirror starts
    buttons = GpioButtons(17, 27, LONG, DEBOUNCE, clock, pin_factory=factory)
    try:
        edges(factory, clock, 17, (101.0, False))
        assert poll_at(buttons, clock, 103.0) == []
    finally:
        buttons.close()


def test_pin_in_use_names_the_pin(factory, clock):
    other = Button(27, pin_factory=factory)
    with pytest.raises(UserError, match=r"repeat_pin = 27: GPIO27 is already in use"):
        GpioButtons(17, 27, LONG, DEBOUNCE, clock, pin_factory=factory)
    other.close()
    GpioButtons(17, 27, LONG, DEBOUNCE, clock, pin_factory=factory).close()   # NEXT was given back


def test_no_gpio_on_this_machine_says_what_to_do(monkeypatch, clock):
    from gpiozero import Device

    monkeypatch.setattr(Device, "pin_factory", None)
    monkeypatch.setenv("GPIOZERO_PIN_FACTORY", "lgpio")   # the Pi's library, absent here
    with pytest.raises(UserError, match=r"next_pin = 17: no GPIO on this machine.*keyboard"):
        GpioButtons(17, 27, LONG, DEBOUNCE, clock)


def test_both_buttons_held_three_seconds_are_one_both_event_and_nothing_else(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True))
    edges(factory, clock, 27, (101.3, True))
    assert poll_at(buttons, clock, 103.0) == []                      # NEXT's long press does not fire
    assert poll_at(buttons, clock, 104.4) == [ButtonEvent(104.3, ButtonName.BOTH, long=True)]
    edges(factory, clock, 17, (105.0, False))
    edges(factory, clock, 27, (105.2, False))
    assert poll_at(buttons, clock, 106.0) == []                      # the releases say nothing
    edges(factory, clock, 17, (107.0, True), (107.2, False))
    assert poll_at(buttons, clock, 107.5) == [ButtonEvent(107.2, NEXT)]   # and the next press is a press


def test_both_buttons_let_go_too_soon_are_no_event_at_all(buttons, factory, clock):
    edges(factory, clock, 17, (101.0, True))
    edges(factory, clock, 27, (101.2, True))
    edges(factory, clock, 27, (102.0, False))
    edges(factory, clock, 17, (102.2, False))
    assert poll_at(buttons, clock, 106.0) == []


def keys_at(keys: KeyboardButtons, clock, t: float, *changes: tuple[str, bool]) -> list[ButtonEvent]:
    """The loop's hand-over: the window's key changes given to the keyboard buttons at time t."""
    clock.advance_to(t)
    return keys.events([KeyChange(key, down) for key, down in changes])


def test_keys_map_to_next_and_repeat(clock):
    keys = KeyboardButtons(LONG, clock)
    typed = [(key, down) for key in ("n", "space", "right", "r", "x") for down in (True, False)]
    assert keys_at(keys, clock, 101.0, *typed) == [ButtonEvent(101.0, b) for b in (NEXT, NEXT, NEXT, REPEAT)]


def test_holding_the_next_key_is_a_long_press_and_key_repeat_is_one_press(clock):
    keys = KeyboardButtons(LONG, clock)
    assert keys_at(keys, clock, 101.0, ("space", True)) == []
    assert keys_at(keys, clock, 102.0, ("space", True)) == []   # the system's key repeat
    assert keys_at(keys, clock, 102.6) == [ButtonEvent(102.5, NEXT, long=True)]
    assert keys_at(keys, clock, 103.0, ("space", False)) == []


def test_config_chooses_the_buttons(factory, clock):
    section = dict(defaults()["buttons"])
    gpio = open_buttons(section, clock, pin_factory=factory)
    assert isinstance(gpio, GpioButtons)
    gpio.close()
    assert isinstance(open_buttons(section | {"backend": "keyboard"}, clock, display=object()),
                      KeyboardButtons)
    assert isinstance(open_buttons(section | {"backend": "none"}, clock), NoButtons)
    with pytest.raises(UserError, match="window"):
        open_buttons(section | {"backend": "keyboard"}, clock)


def test_holding_both_keys_opens_the_settings_like_the_buttons(clock):
    keys = KeyboardButtons(LONG, clock)
    assert keys_at(keys, clock, 101.0, ("n", True), ("r", True)) == []
    assert keys_at(keys, clock, 102.0, ("n", True)) == []          # key repeat changes nothing
    assert keys_at(keys, clock, 103.5) == []
    assert keys_at(keys, clock, 104.5) == [ButtonEvent(104.0, ButtonName.BOTH, long=True)]
    assert keys_at(keys, clock, 105.0, ("n", False), ("r", False)) == []
