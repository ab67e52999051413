from __future__ import annotations

import json
import math
import os
import re
import threading
from pathlib import Path

import numpy as np
import pytest

from triage.engine.model import TriageModel
from triage.engine.registry import ACTIVE_POINTER, ModelRegistry

COMPLAINT = [("小区电梯坏了", "电梯一个月坏了三次")]


def test_save_writes_a_complete_version(model: TriageModel, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path / "models")
    version = registry.save(model, {"cv_macro_f1": 0.9, "undefined": math.nan}, "ab" * 32)
    assert re.fullmatch(r"\d{8}T\d{6}-[0-9a-f]{6}", version)
    folder = tmp_path / "models" / version
    assert sorted(path.name for path in folder.iterdir()) == ["meta.json", "model.joblib"]
    meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
    assert meta["metrics"] == {"cv_macro_f1": 0.9, "undefined": None}
    assert meta["data_fingerprint"] == "ab" * 32
    assert meta["threshold"] == model.threshold
    assert meta["sklearn_version"]
    assert meta["jieba_version"]
    assert meta["created_at"].endswith("+00:00")
    # Nothing is active until asked, and no staging folder is left behind.
    assert registry.active_version() is None
    assert registry.load_active() is None
    assert [path.name for path in (tmp_path / "models").iterdir()] == [version]


def test_activate_and_load(model: TriageModel, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    first = registry.save(model, {}, "f1")
    second = registry.save(model, {}, "f2")
    # Oldest first, even when both were saved in the same second (their random suffixes may sort either way).
    assert [info.version for info in registry.versions()] == [first, second]
    assert [info.data_fingerprint for info in registry.versions()] == ["f1", "f2"]
    registry.activate(first)
    assert registry.active_version() == first
    loaded = registry.load_active()
    assert loaded is not None
    np.testing.assert_allclose(loaded.predict_proba(COMPLAINT), model.predict_proba(COMPLAINT))
    assert registry.load_active() is loaded  # cached per version
    registry.activate(second)
    assert registry.active_version() == second
    assert registry.load_active() is not loaded
    # Another process (another registry object) sees the same pointer.
    assert ModelRegistry(tmp_path).active_version() == second


def test_activate_refuses_unknown_or_malformed_versions(model: TriageModel, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(KeyError):
        registry.activate("20200101T000000-abcdef")
    with pytest.raises(ValueError, match="not a model version"):
        registry.activate("../../etc")
    assert registry.active_version() is None


def test_a_failed_activation_keeps_the_old_pointer(
    model: TriageModel, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    registry = ModelRegistry(tmp_path)
    old = registry.save(model, {}, "old")
    new = registry.save(model, {}, "new")
    registry.activate(old)

    def broken_replace(source: str, target: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", broken_replace)
    with pytest.raises(OSError, match="disk full"):
        registry.activate(new)
    assert registry.active_version() == old
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted([ACTIVE_POINTER, old, new])


def test_readers_never_see_a_partial_pointer(model: TriageModel, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    versions = [registry.save(model, {}, str(number)) for number in range(2)]
    registry.activate(versions[0])
    seen: set[str | None] = set()
    stop = threading.Event()

    def read() -> None:
        reader = ModelRegistry(tmp_path)
        while not stop.is_set():
            seen.add(reader.active_version())

    thread = threading.Thread(target=read)
    thread.start()
    for number in range(300):
        registry.activate(versions[number % 2])
    stop.set()
    thread.join()
    assert seen <= set(versions)


def test_a_failed_save_leaves_no_version(model: TriageModel, tmp_path: Path) -> None:
    registry = ModelRegistry(tmp_path)
    with pytest.raises(TypeError):
        registry.save(model, {"not json": object()}, "x")
    assert list(tmp_path.iterdir()) == []
    assert registry.versions() == []
