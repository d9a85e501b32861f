"""The exercise programme (data) and the pure session engine.

- `catalogue`: config/exercises.toml as frozen data (exercises, programmes, rules, cues).
- `engine`: `Engine.handle(event) -> Step`, pure and deterministic; the machinery.
- `states`: the table of states, one `StateSpec` each; `flow` the handlers it names.
- `sets` (sets and repetitions), `reps` (the repetition cycle), `feedback`
  (over-activity, synkinesis, fatigue), `neutral` (the relaxed-face capture),
  `results` (outcomes and summary sentences), `timing` (active time, the cue),
  `screens` (the screen model per state), `step` (what one event hands back),
  `settings_menu` (the on-glass settings, its states' handlers and screens).

Adding an exercise state (say, a "breathe" pause before the first exercise):
add the name to `states.State` and one `StateSpec` entry to `states.STATES`
saying what it shows (a builder function in `screens`, taking the engine and
returning a `Screen`), its time-out and what then happens, which handler runs
for NEXT, REPEAT and a long NEXT, whether it watches for the face and whether
it is part of a session. Write the handlers it names as engine methods in
`flow` (or a mixin of their own, as `settings_menu.SettingsHandlers`), going
to the new state with `self._goto(State.BREATHE)` from where it begins. The
engine refuses at import a handler it does not have, and a state without an
entry. Anything else the edges must do goes into the outbox (`self.out`); a
new kind of output is one field in `step.Outbox` and `step.Step`. Test it
through `Engine.handle` with the hand-made faces of tests/engine_script.py.
"""
