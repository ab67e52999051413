"""Key files written once and atomically (pure: no Flask).

The key is written whole, privately, under a temporary name, then hard-linked into place: a process starting
at the same moment sees either no file or the complete key, never a partial one, and exactly one key wins.
A key file that must change (a key ring after rotation) is replaced the same way: renamed over the old one.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def create_once(path: Path, content: bytes) -> None:
    """Create ``path`` (mode 0600) holding ``content`` unless it exists; another process's file stands."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        with contextlib.suppress(FileExistsError):
            os.link(temporary, path)
    finally:
        temporary.unlink()


def replace(path: Path, content: bytes) -> None:
    """Put ``content`` (mode 0600) in place of ``path`` at once: readers see the old file or the new, whole."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(8)}.tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "wb") as file:
            file.write(content)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
