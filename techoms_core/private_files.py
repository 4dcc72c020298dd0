"""Files that hold secrets stay readable by their owner only.

A new store file, its directory and the sandbox's state file are created
private (0600, 0700). One made by an older version, or copied in with a
looser mode, is tightened when it is opened: :func:`tighten` takes away what
group and others may do with a file or directory of this user's, and returns
what was changed, so the caller can say so once (the next open finds it
private and says nothing). Someone else's file is left alone: changing its
mode would fail, and is not ours to decide.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from attrs import frozen

#: What group and other users may not do with a private file or directory.
OPEN_TO_OTHERS = 0o077


@frozen
class Tightened:
    """A file or directory (``kind``) whose mode was ``before`` and is now ``after``."""

    path: Path
    kind: str
    before: int
    after: int

    def __str__(self) -> str:
        return (
            f"the {self.kind} {self.path} was open to other users ({self.before:04o}); "
            f"it is now {self.after:04o}, for its owner only"
        )


def tighten(path: Path) -> Tightened | None:
    """Make ``path`` private when it is a file or directory of this user's that
    group or others may use; ``None`` when there was nothing to change (or it
    could not be changed)."""
    try:
        found = os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return None
    kind = "directory" if stat.S_ISDIR(found.st_mode) else "file"
    before = stat.S_IMODE(found.st_mode)
    if not (stat.S_ISREG(found.st_mode) or kind == "directory"):
        return None
    if found.st_uid != os.geteuid() or not before & OPEN_TO_OTHERS:
        return None
    after = before & ~OPEN_TO_OTHERS
    try:
        os.chmod(path, after)
    except OSError:  # a read-only file system: nothing to change, nothing to stop for
        return None
    return Tightened(Path(path), kind, before, after)


def tighten_all(paths: list[Path]) -> tuple[Tightened, ...]:
    """:func:`tighten` each of ``paths``; what was changed."""
    return tuple(changed for path in paths if (changed := tighten(path)) is not None)
