"""Errors that reach a person as one calm line (never a traceback).

The CLI catches `UserError` and prints its message; anything else is a bug.
"""


class UserError(Exception):
    """A problem the user can fix: the message names the file, key or value."""

    exit_status = 2


class ConfigError(UserError):
    """A configuration or programme file is missing, unreadable or invalid.

    The message is the first mistake; `problems` holds every one found (one line each),
    for `mimicmirror config check`.
    """

    def __init__(self, message: str, problems: "list[str] | tuple[str, ...] | None" = None) -> None:
        super().__init__(message)
        self.problems: tuple[str, ...] = tuple(problems) if problems else (message,)


class InputError(UserError):
    """An input file (image, video, scenario) is missing or unreadable."""


#: Shared libraries that the face model (OpenCV inside MediaPipe) and the display
#: (SDL) load from the system, with the Debian package that brings each. The
#: Pi's installer (systemd/install.sh) installs all of them.
SYSTEM_LIBRARIES: dict[str, str] = {
    "libGL.so.1": "libgl1",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libEGL.so.1": "libegl1",
    "libGLESv2.so.2": "libgles2",
    "libgbm.so.1": "libgbm1",
    "libdrm.so.2": "libdrm2",
}


def missing_library(error: ImportError) -> str | None:
    """One line naming the package to install when `error` is a missing system library.

    Without the installer's apt packages, importing the analysis fails deep inside
    OpenCV with a traceback; a caregiver needs the package name instead.
    """
    import re

    for found in re.findall(r"(lib[\w.+-]*?\.so(?:\.\d+)*)", str(error)):
        name = found.rsplit("/", 1)[-1]
        if name in SYSTEM_LIBRARIES:
            package = SYSTEM_LIBRARIES[name]
            return (f"the system library {name} is missing or broken: install it with "
                    f"'sudo apt install {package}' (systemd/install.sh installs everything the mirror needs)")
    return None
