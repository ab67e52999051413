"""Sending mail: through an SMTP server (``MAIL_SERVER``), or, in the embedded default, into a folder.

One small interface (:class:`Mailer`), so the notices do not care where their mail goes. SMTP failures raise:
the job that sends is retried by the queue.
"""

from __future__ import annotations

import os
import smtplib
import ssl
import time
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Protocol

SMTP_TIMEOUT_SECONDS = 20


class Mailer(Protocol):
    def send(self, message: EmailMessage) -> None: ...


@dataclass(frozen=True)
class SmtpMailer:
    host: str
    port: int
    use_tls: bool = False
    username: str | None = None
    password: str | None = None

    def send(self, message: EmailMessage) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
            if self.use_tls:
                smtp.starttls(context=ssl.create_default_context())
            if self.username:
                smtp.login(self.username, self.password or "")
            smtp.send_message(message)


@dataclass(frozen=True)
class FolderMailer:
    """Writes each mail as an ``.eml`` file (what a mail client opens), for a portal without a mail server."""

    folder: Path

    def send(self, message: EmailMessage) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:12]}.eml"
        partial = self.folder / f".{name}.part"
        partial.write_bytes(message.as_bytes())
        os.replace(partial, self.folder / name)  # a reader never sees half a mail


def mailer_for(config: Mapping[str, Any]) -> Mailer:
    if config.get("MAIL_SERVER"):
        return SmtpMailer(
            host=config["MAIL_SERVER"],
            port=int(config["MAIL_PORT"]),
            use_tls=bool(config["MAIL_USE_TLS"]),
            username=config.get("MAIL_USERNAME"),
            password=config.get("MAIL_PASSWORD"),
        )
    return FolderMailer(Path(config["MAIL_FOLDER"]))
