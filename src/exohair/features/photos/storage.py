"""Where photo bytes live: behind PhotoStore, so one clinic keeps them on local disk and a clinic network in
object storage (DESIGN.md, scale path) without the services knowing which.

Blobs are named by the SHA-256 of their bytes: the same photo uploaded twice is stored once, a name cannot be
guessed from a patient or a date, and a blob that was altered no longer matches its name.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path
from typing import Protocol


class PhotoStore(Protocol):
    def put(self, data: bytes) -> str:
        """Store `data`; return its SHA-256 (hex), the name to get it back by."""
        ...

    def get(self, content_hash: str) -> bytes:
        """The bytes stored under `content_hash`; KeyError if there are none."""
        ...


class LocalPhotoStore:
    """Files under `root`, fanned out by the hash's first two bytes (ab/cd/abcd...), written atomically."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, content_hash: str) -> Path:
        if len(content_hash) != 64 or any(c not in "0123456789abcdef" for c in content_hash):
            raise KeyError(content_hash)  # never a path built from anything but a hash
        return self.root / content_hash[:2] / content_hash[2:4] / content_hash

    def put(self, data: bytes) -> str:
        content_hash = hashlib.sha256(data).hexdigest()
        path = self._path(content_hash)
        if path.exists():
            return content_hash
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename: a reader never sees half a photo, and a crash leaves no blob under the name.
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as temporary:
            temporary.write(data)
            temporary.flush()
            os.fsync(temporary.fileno())
        os.replace(temporary.name, path)
        return content_hash

    def get(self, content_hash: str) -> bytes:
        path = self._path(content_hash)
        try:
            return path.read_bytes()
        except FileNotFoundError:
            raise KeyError(content_hash) from None
