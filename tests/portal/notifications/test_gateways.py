"""The SMS gateway interface and the mail settings read from the environment."""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

import pytest

from portal.config import ConfigError, settings_from_env
from portal.notifications.mail import FolderMailer, SmtpMailer, mailer_for
from portal.notifications.sms import LoggingSms, NoSms, SmsBackendError, gateway_for, masked


class RecordingGateway:
    sent: ClassVar[list[tuple[str, str]]] = []

    def send(self, phone: str, text: str) -> None:
        self.sent.append((phone, text))


def test_sms_backends_by_name_or_by_factory() -> None:
    assert isinstance(gateway_for("log"), LoggingSms)
    assert isinstance(gateway_for("none"), NoSms)
    provider = gateway_for(f"{__name__}:RecordingGateway")
    provider.send("13912345678", "hello")
    assert RecordingGateway.sent == [("13912345678", "hello")]
    for wrong in ("carrier-pigeon", f"{__name__}:nothing_here", ":x"):
        with pytest.raises(SmsBackendError):
            gateway_for(wrong)
    assert masked("+86 139 1234 5678") == "***5678"
    assert masked("12") == "***"


def test_mail_settings_come_from_the_environment(tmp_path: Path) -> None:
    environ = {
        "SECRET_KEY": "k",
        "MAIL_SERVER": "smtp.example.org",
        "MAIL_PORT": "587",
        "MAIL_USE_TLS": "true",
        "MAIL_USERNAME": "fa",
        "MAIL_PASSWORD": "pw",
        "MAIL_DEFAULT_SENDER": "Fire Alarm <fa@example.org>",
        "SMS_BACKEND": "none",
        "PUBLIC_URL": "https://fa.example.org/",
    }
    config = settings_from_env(environ, tmp_path).as_flask_config()
    assert mailer_for(config) == SmtpMailer(
        "smtp.example.org", 587, use_tls=True, username="fa", password="pw"
    )
    assert config["PUBLIC_URL"] == "https://fa.example.org"
    assert config["SMS_BACKEND"] == "none"
    embedded = settings_from_env({"SECRET_KEY": "k"}, tmp_path).as_flask_config()
    assert mailer_for(embedded) == FolderMailer(tmp_path.resolve() / "mail")
    with pytest.raises(ConfigError):
        settings_from_env({"SECRET_KEY": "k", "MAIL_PORT": "smtp"}, tmp_path)
