"""The service: the loop that drives every part of the mirror, and how the parts are wired.

- `loop`: the main loop (`Service.run`) and its explicit pacing (`pacing`).
- `wiring`: `build_service`, one back-end per edge from the config.
- `notices`: the mirror's own calm notices on the glass, one at a time, in turn.
- `caregiver`: settings chosen on the glass, the USB stick's news, lining the bars up.
- `camera_keeper`: a lost camera noticed, shown calmly and reopened with back-off.
- `record_queue`: records kept in order while the store cannot take them.
- `hangwatch`: a face analysis that never returns, seen by a guard thread; the session kept.
- `systemd`: journald log lines, the notify socket (READY, WATCHDOG, STATUS), stop signals.

The loop sees each part only through its Protocol in `mimicmirror.edges`
(Display, Buttons, Store, Analyzer), plus `clock.Clock`, the camera's
`FrameSource` and the `Notifier`.

Adding a hardware back-end (say, buttons on an I2C expander): write a class
with the edge's methods (for buttons `events(keys=())` and `close()`) in that
edge's package beside its siblings (`controls/buttons.py`, like gpiozero keeps
`pins/mock.py` beside its real pin factories), name it in that package's
`open_*` function and the config's allowed values, and give it a fake that
records what happened with its time, so tests can drive the real loop with
it. The loop does not change: it hands key changes to the buttons, draws
through the display and writes through the store whatever they are.
"""

from .loop import Service, StepCallback
from .systemd import JournalFormatter, Notifier, configure_logging, describe
from .wiring import build_service

__all__ = ["JournalFormatter", "Notifier", "Service", "StepCallback", "build_service", "configure_logging",
           "describe"]
