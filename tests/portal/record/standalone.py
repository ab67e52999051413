"""Running the stand-alone verifier as a citizen does: downloaded from /ledger, on this Python and on the oldest
one it supports that the machine has (pyenv's versions included), with no site-packages."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from flask.testing import FlaskClient

OLDEST_SUPPORTED = (3, 8)


def _version(interpreter: str) -> tuple[int, int] | None:
    try:
        found = subprocess.run(
            [interpreter, "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except OSError:
        return None
    parts = found.stdout.split()
    return (int(parts[0]), int(parts[1])) if found.returncode == 0 and len(parts) == 2 else None


def oldest_python() -> str | None:
    """The oldest interpreter of 3.8 or later on this machine (pyenv's versions included), other than ours."""
    candidates = [f"python3.{minor}" for minor in range(8, sys.version_info[1])]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    candidates += sorted(str(path) for path in pyenv.glob("3.*/bin/python3"))
    found = [(version, path) for path in candidates if (version := _version(path)) is not None]
    older = [(v, p) for v, p in found if OLDEST_SUPPORTED <= v < sys.version_info[:2]]
    return min(older)[1] if older else None


def download_verifier(client: FlaskClient, folder: Path) -> Path:
    script = folder / "verify_receipt.py"
    with client.get("/ledger/verify_receipt.py") as response:  # closes the file it sends
        script.write_bytes(response.get_data())
    return script


def run_verifier(python: str, script: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    # -I -S: no site-packages, no project on the path, as on a journalist's laptop.
    return subprocess.run(
        [python, "-I", "-S", str(script), *arguments],
        capture_output=True,
        text=True,
        encoding="utf-8",
        cwd=script.parent,
        timeout=120,
        check=False,
    )
