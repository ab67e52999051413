"""Text messages through one small gateway interface, chosen by ``SMS_BACKEND``.

``log`` (the default) writes each message to the log with the number masked, ``none`` drops them, and
``package.module:factory`` names a provider's gateway: a callable returning an object with ``send(phone, text)``.
"""

from __future__ import annotations

import importlib
import logging
from typing import Protocol

log = logging.getLogger(__name__)

SMS_MAX_CHARS = 300


class SmsGateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


def masked(phone: str) -> str:
    """Enough of a number to tell two apart in a log, not enough to call it."""
    digits = "".join(ch for ch in phone if ch.isdigit())
    return f"***{digits[-4:]}" if len(digits) >= 4 else "***"


class LoggingSms:
    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", masked(phone), text)


class NoSms:
    def send(self, phone: str, text: str) -> None:
        pass


class SmsBackendError(ValueError):
    """SMS_BACKEND names nothing usable."""


def gateway_for(spec: str) -> SmsGateway:
    if spec in ("", "log"):
        return LoggingSms()
    if spec == "none":
        return NoSms()
    module_name, colon, factory_name = spec.partition(":")
    if not colon or not module_name or not factory_name:
        raise SmsBackendError(f"SMS_BACKEND must be log, none or module:factory, got {spec!r}")
    factory = getattr(importlib.import_module(module_name), factory_name, None)
    if not callable(factory):
        raise SmsBackendError(f"SMS_BACKEND {spec!r}: no callable {factory_name} in {module_name}")
    gateway: SmsGateway = factory()
    return gateway
