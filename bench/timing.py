"""Timing helpers shared by the benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable


def cpu_seconds(action: Callable[[], object]) -> float:
    """CPU time of this process spent in ``action``: other work on a shared machine disturbs it less."""
    started = time.process_time()
    action()
    return time.process_time() - started
