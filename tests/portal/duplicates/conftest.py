from __future__ import annotations

from typing import Any

import pytest

from tests.mailbox import Mailbox


@pytest.fixture
def config_overrides(mailbox: Mailbox) -> dict[str, Any]:
    return {**mailbox.config(), "PUBLIC_URL": "https://fire-alarm.test"}
