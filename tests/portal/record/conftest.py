"""The ``python`` fixture: the stand-alone verifier is run on this interpreter and on the oldest supported one."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.portal.record.standalone import oldest_python


def _interpreters() -> Iterator[Any]:
    yield pytest.param(sys.executable, id="this-python")
    oldest = oldest_python()
    if oldest is not None:
        yield pytest.param(oldest, id="oldest-python")
    elif os.environ.get("CI") == "true":
        # The verifier promises Python 3.8 and later: CI must run it on an older one than the portal's.
        yield pytest.param(None, id="oldest-python")
    else:
        yield pytest.param(None, id="oldest-python", marks=pytest.mark.skip(reason="no Python 3.8-3.10 here"))


@pytest.fixture(params=list(_interpreters()))
def python(request: pytest.FixtureRequest) -> str:
    if request.param is None:
        pytest.fail("CI needs a Python from 3.8 to 3.10 to run the verifier on (pyenv's are looked at too)")
    return str(request.param)
