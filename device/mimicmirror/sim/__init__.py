"""The virtual rig: stand-ins around the real service, for tests and `mimicmirror demo`.

- `hardware.VirtualHardware`: the one harness. The production picamera2
  adapter on a `camera.fake_picamera2.FakeCameraWorld`, the production
  gpiozero buttons on mock pins pressed by `Fingers`, the renderer on SDL's
  dummy driver, a real notify socket recording what systemd would hear, and
  the real `service` loop, all on one simulated clock.
- `rig.Rig`: a scenario (`scenario`, sim/scenarios/*.toml) run on it by a
  `person.VirtualPerson`, whose face is a real photo warped into the exercises
  (`warp`, `faces`); screenshots, records, notifications, USB stick visits.
- `summary`: the demo's session table.

sim/ sits on top of the service: it imports the service and the hardware
back-ends, and nothing outside sim/ (and the `demo` command) imports it.
The fakes of single back-ends live beside the real ones (the fake Picamera2
in camera/), so a test of one edge does not need the rig.
"""
