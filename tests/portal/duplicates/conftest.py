from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.mailbox import Mailbox, smtp_server


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with smtp_server() as server:
        yield server


@pytest.fixture
def config_overrides(mailbox: Mailbox) -> dict[str, Any]:
    return {**mailbox.config(), "PUBLIC_URL": "https://fire-alarm.test"}
