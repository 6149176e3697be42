"""Writing files that must never be seen half-written: backups and the database copies a restore keeps."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from exohair.domain.errors import Conflict

_T = TypeVar("_T")


def write_atomically(destination: Path, fill: Callable[[Path], _T], *, replace: bool) -> _T:
    """Let `fill` write a temporary file beside `destination`, then move it into place in one rename. Without
    `replace`, an existing `destination` is never overwritten (a hard link fails if the name is taken)."""
    handle, name = tempfile.mkstemp(dir=destination.parent, prefix=f".{destination.name}.", suffix=".partial")
    os.close(handle)  # mode 0600: backups are health records
    partial = Path(name)
    try:
        result = fill(partial)
        fsync(partial)
        if replace:
            os.replace(partial, destination)
        else:
            try:
                os.link(partial, destination)  # fails if the name is taken, unlike a rename
            except FileExistsError:
                raise Conflict(
                    f"{destination} already exists: pass --force to replace it", code="backup_exists"
                ) from None
            except OSError:  # a file system without hard links: check, then rename
                if destination.exists():
                    raise Conflict(
                        f"{destination} already exists: pass --force to replace it", code="backup_exists"
                    ) from None
                os.replace(partial, destination)
            partial.unlink(missing_ok=True)
        fsync(destination.parent)
        return result
    finally:
        for leftover in (partial, *(partial.with_name(partial.name + s) for s in ("-journal", "-wal", "-shm"))):
            leftover.unlink(missing_ok=True)


def fsync(path: Path) -> None:
    try:
        handle = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(handle)
    except OSError:
        pass  # some file systems cannot sync a directory
    finally:
        os.close(handle)


def same_file(a: Path, b: Path) -> bool:
    try:
        return a.samefile(b)
    except OSError:
        return False
