"""Versioned models in a folder shared by the web processes and the workers.

Layout: ``<folder>/<version>/model.joblib`` and ``meta.json``, plus ``<folder>/ACTIVE`` naming the active
version. A version folder is written under a temporary name and renamed into place when complete, and ``ACTIVE``
is replaced with ``os.replace``: both are atomic on one file system, so a process that reads the pointer
always finds a whole model behind it.
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import shutil
import tempfile
import threading
from collections import OrderedDict
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jieba
import sklearn

from triage.engine.model import TriageModel

ACTIVE_POINTER = "ACTIVE"
MODEL_FILE = "model.joblib"
META_FILE = "meta.json"
VERSION_PATTERN = re.compile(r"\d{8}T\d{6}-[0-9a-f]{6}")
# Loaded models kept in memory: the active one and the one it replaced (still serving in-flight requests).
CACHED_MODELS = 2


@dataclass(frozen=True)
class ModelInfo:
    version: str
    created_at: str
    threshold: float
    metrics: dict[str, Any]
    data_fingerprint: str
    sklearn_version: str
    jieba_version: str


class ModelRegistry:
    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)
        self._cache: OrderedDict[str, TriageModel] = OrderedDict()
        self._lock = threading.Lock()

    def save(self, model: TriageModel, metrics: dict[str, Any], data_fingerprint: str) -> str:
        """Store a trained model as a new version (not yet active) and return the version id."""
        self.folder.mkdir(parents=True, exist_ok=True)
        created = datetime.now(UTC)
        version = f"{created:%Y%m%dT%H%M%S}-{secrets.token_hex(3)}"
        staging = Path(tempfile.mkdtemp(prefix=f".{version}.", dir=self.folder))
        try:
            model.save(staging / MODEL_FILE)
            meta = {
                "version": version,
                "created_at": created.isoformat(timespec="seconds"),
                "threshold": model.threshold,
                "metrics": metrics,
                "data_fingerprint": data_fingerprint,
                "sklearn_version": sklearn.__version__,
                "jieba_version": jieba.__version__,
            }
            (staging / META_FILE).write_text(
                json.dumps(_json_safe(meta), ensure_ascii=False, indent=2, allow_nan=False), encoding="utf-8"
            )
            staging.chmod(0o755)  # mkdtemp makes it private; other processes of the service must read it
            os.replace(staging, self.folder / version)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return version

    def _version_folder(self, version: str) -> Path:
        if not VERSION_PATTERN.fullmatch(version):
            raise ValueError(f"not a model version: {version!r}")
        folder = self.folder / version
        if not (folder / MODEL_FILE).is_file() or not (folder / META_FILE).is_file():
            raise KeyError(f"no model {version} in {self.folder}")
        return folder

    def activate(self, version: str) -> None:
        """Make ``version`` the active model for every process reading this folder."""
        self._version_folder(version)
        handle, temporary = tempfile.mkstemp(prefix=f".{ACTIVE_POINTER}.", dir=self.folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as pointer:
                pointer.write(version + "\n")
                pointer.flush()
                os.fsync(pointer.fileno())
            os.chmod(temporary, 0o644)
            os.replace(temporary, self.folder / ACTIVE_POINTER)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def active_version(self) -> str | None:
        try:
            version = (self.folder / ACTIVE_POINTER).read_text(encoding="utf-8").strip()
        except FileNotFoundError:
            return None
        return version if VERSION_PATTERN.fullmatch(version) else None

    def load(self, version: str) -> TriageModel:
        """The model of ``version``, loaded once per process and then served from memory."""
        with self._lock:
            cached = self._cache.get(version)
            if cached is not None:
                self._cache.move_to_end(version)
                return cached
            model = TriageModel.load(self._version_folder(version) / MODEL_FILE)
            self._cache[version] = model
            while len(self._cache) > CACHED_MODELS:
                self._cache.popitem(last=False)
            return model

    def load_active(self) -> TriageModel | None:
        version = self.active_version()
        return None if version is None else self.load(version)

    def info(self, version: str) -> ModelInfo:
        meta = json.loads((self._version_folder(version) / META_FILE).read_text(encoding="utf-8"))
        return ModelInfo(
            version=meta["version"],
            created_at=meta["created_at"],
            threshold=float(meta["threshold"]),
            metrics=meta["metrics"],
            data_fingerprint=meta["data_fingerprint"],
            sklearn_version=meta["sklearn_version"],
            jieba_version=meta["jieba_version"],
        )

    def versions(self) -> list[ModelInfo]:
        """Every complete version, oldest first."""
        if not self.folder.is_dir():
            return []
        # Names start with the second they were saved in; two saved in one second are ordered by when their
        # metadata was written (a random suffix alone would put them in any order).
        found = sorted(
            (
                entry
                for entry in self.folder.iterdir()
                if VERSION_PATTERN.fullmatch(entry.name) and (entry / META_FILE).is_file()
            ),
            key=lambda entry: (entry.name[:15], (entry / META_FILE).stat().st_mtime_ns, entry.name),
        )
        return [self.info(entry.name) for entry in found]

    def prune(self, keep: int) -> list[str]:
        """Delete all but the newest ``keep`` versions, never the active one. Returns the deleted versions.

        Each version is a full model (tens of MB); retraining from the desk would otherwise grow the folder forever.
        """
        if keep < 1:
            raise ValueError("keep at least one version")
        active = self.active_version()
        stale = [info.version for info in self.versions()[:-keep] if info.version != active]
        for version in stale:
            with self._lock:
                self._cache.pop(version, None)
            shutil.rmtree(self._version_folder(version))
        return stale


def _json_safe(value: Any) -> Any:
    """Plain JSON: numpy numbers as Python numbers, NaN and infinities as null."""
    if isinstance(value, dict):
        return {str(key): _json_safe(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_json_safe(item) for item in value]
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
