"""Wiring: one back-end for each edge, chosen by the config unless handed in.

The same `build_service` runs on the Pi, on a laptop, in the demo and under
the virtual rig; only the parts handed to it (or the config) differ. Each
back-end package keeps its own `open_*` function that reads its config
section, so this module only decides who opens what and who closes it.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
from typing import Any

from ..camera.base import FrameSource
from ..camera.latest import LatestFrame
from ..clock import Clock, SystemClock
from ..config import Config
from ..edges import Analyzer, Buttons, Display, Sound, Store
from .analysis_stage import AnalysisStage
from .camera_keeper import CameraKeeper
from .cores import CoreSplit
from .loop import Service
from .systemd import Notifier


def build_service(config: Config, *, clock: Clock | None = None, camera: FrameSource | LatestFrame | None = None,
                  buttons: Buttons | None = None, display: Display | None = None, store: Store | None = None,
                  notifier: Notifier | None = None, analyzer: Analyzer | None = None, first_start: bool = False,
                  settings_path: Any = None, mailbox: Any = None, sound: Sound | None = None) -> Service:
    """One implementation of each edge, from the config unless handed in.

    `camera` may be a FrameSource or an already wrapped LatestFrame (the rig
    passes one with lockstep=True). Parts built here are closed when the
    service stops; parts handed in are left to their owner. The face count of
    an analyzer built here runs its once-a-second checks beside the analysis
    thread; one handed in keeps them in line. `first_start`
    (no settings yet) opens the settings menu; it saves to `settings_path`
    (default: the config's file). The USB stick unit's `mailbox` is the
    state directory's `stick` folder when the service has one.
    """
    clock = clock or SystemClock()
    owned: list[Any] = []
    # the model's threads on a core of their own (cores.py); every thread started while the
    # service is built (sound, the face count's, the display's) and while it runs on the others
    cores = CoreSplit.plan() if analyzer is None else None
    elsewhere = cores.rest_for_this_thread() if cores is not None else contextlib.nullcontext()
    with contextlib.ExitStack() as undo, elsewhere:
        def own(part: Any) -> Any:
            owned.append(part)
            undo.callback(part.close)
            return part

        if store is None:
            from ..store.db import Store as SqliteStore
            store = own(SqliteStore.open(config.state_path(config["store"]["path"])))
        from ..exercises.catalogue import load_catalogue, load_programme
        programme = load_programme(config.programme_path, config["user"]["programme"], config["user"]["language"])
        if display is None:
            from ..display.renderer import open_display
            from ..display.theme import MIRROR
            display = own(open_display(config["display"], theme=MIRROR.in_language(programme.language.display)))
        if buttons is None:
            from ..controls.buttons import open_buttons
            buttons = own(open_buttons(config["buttons"], clock, display=display))
        latest = _latest_frame(config, camera)
        crowd = steps = None       # the face count of an analyzer built here (one handed in keeps its own)
        if analyzer is None:
            from ..face.analyzer import Analyzer as MeshAnalyzer
            mesh = own(MeshAnalyzer(static=False, building=cores.building if cores else None))
            # the model, then following the image and measuring: a thread each
            analyzer, crowd, steps = mesh, mesh.crowd, (mesh.find, mesh.measure)
        if notifier is None:
            notifier = own(Notifier.from_env())
        from ..exercises.engine import Engine
        from ..exercises.settings_menu import MenuChoices, ProgrammeChoice
        choices = MenuChoices.from_schema(tuple(ProgrammeChoice(name, p.title, p.for_whom) for name, p in
                                                load_catalogue(config.programme_path).programmes.items()))
        choices = dataclasses.replace(choices, line_up=bool(config["mirror"]["place_cues"]))
        engine = Engine(programme, config, choices=choices, first_start=first_start)
        if sound is None:
            from ..sound import open_sound
            sound = own(open_sound(config["sound"], config["user"]["language"]))
            sound.prepare(engine.spoken_texts())   # in the background; once, later starts find them cached
        if mailbox is None and (os.environ.get("STATE_DIRECTORY") or os.environ.get("MIMICMIRROR_STATE_DIR")):
            from ..stick.mailbox import Mailbox
            mailbox = Mailbox(config.state_path("stick"))
        undo.pop_all()
    from ..reflection import calibration
    from ..reflection.follow import Placer, calibration_path
    offset = calibration.load(calibration_path(config))
    placer = Placer.from_config(config, programme.exercises, (offset.right_mm, offset.up_mm))
    cam = config["camera"]
    # capture thread -> the model's thread -> the measuring thread -> this loop: each keeps
    # only the newest
    stage = AnalysisStage(latest, analyzer, crowd=crowd, steps=steps, cores=cores)
    keeper = CameraKeeper(stage, timeout_s=cam["timeout_seconds"], frame_wait_s=1.0 / cam["fps"])
    return Service(config=config, engine=engine, camera=keeper, buttons=buttons, display=display,
                   store=store, analyzer=analyzer, notifier=notifier, clock=clock, sound=sound, owned=owned,
                   settings_path=settings_path, mailbox=mailbox, placer=placer, cores=cores)


def _latest_frame(config: Config, camera: FrameSource | LatestFrame | None) -> LatestFrame:
    if isinstance(camera, LatestFrame):
        return camera
    if camera is None:
        from ..camera import open_camera
        camera = open_camera(config["camera"])
    return LatestFrame(camera, read_timeout=config["camera"]["timeout_seconds"])
