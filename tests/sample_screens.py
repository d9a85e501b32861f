"""The display's sample screens: one realistic screen of every kind, as the engine
builds them, and the portrait glass they are drawn on (shared by the display's tests)."""

from __future__ import annotations

from dataclasses import replace

from mimicmirror.screen import Phase, Screen, ScreenKind, SideBar, SummaryRow

PORTRAIT = {"driver": "dummy", "width": 1080, "height": 1920, "rotation": 0, "fps": 60, "show_camera": False}
LANDSCAPE = {**PORTRAIT, "width": 1280, "height": 720}
FOOTER = "NEXT: go on   ·   REPEAT: again   ·   hold NEXT: pause"

ROWS = (
    SummaryRow("brow_raise", "Raise your eyebrows", reps=5, symmetry=0.62, weaker="left",
               symmetry_7d=0.55, symmetry_28d=0.48, trend=(0.41, 0.45, 0.44, 0.5, 0.52, 0.58, 0.62),
               affected_movement=0.09, affected_first_week=0.06),
    SummaryRow("smile", "Smile as if saying \"Well\"", reps=5, symmetry=0.71, weaker="left",
               symmetry_7d=0.66, symmetry_28d=0.6, trend=(0.55, 0.6, 0.63, 0.66, 0.71),
               affected_movement=0.12, affected_first_week=0.1),
    SummaryRow("frown", "Bring your eyebrows together", reps=4, symmetry=0.48, weaker="left"),
    SummaryRow("nose_wrinkle", "Wrinkle your nose", skipped=True),
    SummaryRow("massage_cheek", "Massage: mouth corner to ear"),
    SummaryRow("cheek_puff", "Puff your cheeks and hold", reps=3, symmetry=0.83, weaker="right",
               symmetry_7d=0.8, symmetry_28d=0.79, trend=(0.7, 0.75, 0.8, 0.83)),
)

#: One realistic screen of every kind, as the engine builds them.
SAMPLES: dict[str, Screen] = {
    "idle": Screen(ScreenKind.IDLE),
    "attract": Screen(ScreenKind.ATTRACT, title="Press NEXT to start your exercises"),
    "greeting": Screen(ScreenKind.GREETING, title="Good morning, Ada",
                       lines=("Session 2 of 3 today.", "Yesterday you did 1 of 3: a short one now counts too."),
                       footer="NEXT: start   ·   hold NEXT: not now"),
    "neutral": Screen(ScreenKind.NEUTRAL, title="Relax your face",
                      lines=("Look at the mirror and keep still.",), countdown=1.4, countdown_total=2.0,
                      warning="Turn your face to the mirror", footer="REPEAT: start again"),
    "instruction": Screen(ScreenKind.INSTRUCTION, title="Raise your eyebrows",
                          lines=("Gently lift both eyebrows, as if surprised.",
                                 "Hold for 3 seconds, then let go slowly.",
                                 "Small, even movements: 2 to 3 out of 10 effort."),
                          cue="Your fingers may help the weak side.",
                          warning="Stop if it hurts or feels strained.",
                          progress=(3, 12), footer="NEXT: begin   ·   REPEAT: skip this one"),
    "practice": Screen(ScreenKind.PRACTICE, title="Raise your eyebrows", phase=Phase.HOLD,
                       countdown=2.2, countdown_total=3.0, rep=3, reps_target=5,
                       bars=(SideBar("left", 0.55, affected=True), SideBar("right", 1.1)),
                       cue="Lift the left brow a little more", cue_side="left",
                       progress=(3, 12), footer=FOOTER),
    "practice_overdoing": Screen(ScreenKind.PRACTICE, title="Smile as if saying \"Well\"", phase=Phase.MOVE,
                                 rep=1, reps_target=5,
                                 bars=(SideBar("left", 0.35, affected=True), SideBar("right", 1.8)),
                                 cue="Smaller movements: keep both sides even",
                                 warning="Head turned to the side: this one does not count",
                                 progress=(7, 12), footer=FOOTER),
    "guided_massage": Screen(ScreenKind.GUIDED, title="Massage: mouth corner to ear",
                             lines=("Stretch the skin in small circles with your fingertips,",
                                    "from the mouth corner up to the ear, then down along the jaw."),
                             countdown=74.0, countdown_total=90.0, progress=(1, 12),
                             footer="NEXT: done   ·   REPEAT: again"),
    "guided_reading": Screen(ScreenKind.GUIDED, title="Read aloud",
                             lines=("Say each word clearly, not fast.",),
                             passage="The morning sun came through the window. Peter put the kettle on, "
                                     "opened the paper and read the weather: warm and bright, with a light "
                                     "breeze from the west by the afternoon.",
                             countdown=45.0, countdown_total=60.0, progress=(12, 12),
                             footer="NEXT: done   ·   REPEAT: again"),
    "exercise_summary": Screen(ScreenKind.EXERCISE_SUMMARY, title="Raise your eyebrows", rows=ROWS[:1],
                               sentence="Your left brow moved more than last week.",
                               lines=("5 of 5 reps, all holds made.",), progress=(3, 12),
                               footer="NEXT: next exercise   ·   REPEAT: do it again"),
    "session_summary": Screen(ScreenKind.SESSION_SUMMARY, title="Well done", rows=ROWS,
                              sentence="Both sides moved more evenly than last week.",
                              footer="NEXT: finish"),
    "session_summary_long": Screen(ScreenKind.SESSION_SUMMARY, title="Well done",
                                   rows=tuple(replace(ROWS[k % len(ROWS)], exercise_id=f"e{k}")
                                              for k in range(22)),
                                   sentence="Your smile is more even than four weeks ago.",
                                   footer="NEXT: finish"),
    "paused": Screen(ScreenKind.PAUSED, title="Paused", lines=("Take your time.",),
                     footer="NEXT: carry on   ·   hold NEXT: end the session"),
    "settings_side": Screen(ScreenKind.SETTINGS, title="Which side of the face has the palsy?",
                            lines=("The person's own side: their left is on the left in the mirror.",),
                            choice="Right", cue_side="right", progress=(1, 7),
                            footer="NEXT: next setting  ·  REPEAT: change"),
    "calibration": Screen(ScreenKind.CALIBRATION, title="Line up your eyes",
                          lines=("Move a little until the two rings sit on your eyes, then press NEXT.",),
                          marks=((413.0, 420.0), (667.0, 420.0)), footer="NEXT: save"),
    "notice": Screen(ScreenKind.NOTICE, title="The camera is not answering",
                     lines=("Trying again. Your exercises so far are saved.",),
                     footer="hold NEXT: end the session"),
}
