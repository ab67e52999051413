"""The one refusal contract: what a domain rule says when it refuses what was asked. Pure: no Flask.

A refusal knows its stable machine ``code``, the HTTP ``status`` it answers with, the form ``field`` it is
about (or None for the whole request) and its ``message``: an English message id, marked with :func:`N_` so
the catalogue extracts it, translated where it is shown. The pages put a refusal on its field of the form
(``portal.http.pages.show_refusal``); the API answers with it as JSON (``portal.http.errors``). Those are the
only two places that turn refusals into words, so a page and the API can never say different things.

The refusals every feature shares are defined here; a feature defines its own beside its rules.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import ClassVar


class Msg(str):
    """A message id: the English text, translated where it is shown."""

    __slots__ = ()


def N_(text: str) -> Msg:
    """Mark ``text`` for translation without translating it (it is translated when shown)."""
    return Msg(text)


class Refusal(Exception):
    """A rule refused the request. Nothing of the request may be stored (the surfaces roll back)."""

    code: ClassVar[str] = "refused"
    status: ClassVar[int] = 422
    message: ClassVar[Msg] = N_("This cannot be done.")
    default_field: ClassVar[str | None] = None

    def __init__(self, detail: str = "", *, field: str | None = None, **params: str) -> None:
        """``detail`` is for logs (it may name internal codes); ``params`` fill the message's placeholders and
        may be message ids themselves (translated before they are filled in)."""
        super().__init__(detail or self.message)
        self.field = field if field is not None else self.default_field
        self.params: Mapping[str, str] = params

    def text(self, translate: Callable[[str], str]) -> str:
        """The message in the language ``translate`` speaks."""
        values = {
            name: translate(value) if isinstance(value, Msg) else value for name, value in self.params.items()
        }
        return translate(self.message) % values if values else translate(self.message)


class UnknownTarget(Refusal):
    """A division, bureau or unit code that names nothing of ours."""

    code = "unknown_target"
    message = N_("Unknown division or unit code.")
    default_field = "division"


class ReasonRequired(Refusal):
    """A decision that must be explained on the record was given no reason."""

    code = "reason_required"
    message = N_("Give a reason.")
    default_field = "reason"


class Conflict(Refusal):
    """The request is sound, but the thing it acts on is no longer in a state that allows it."""

    code = "conflict"
    status = 409


class NotPermitted(Refusal):
    """The signed-in staff member may not do this to this thing."""

    code = "forbidden"
    status = 403
    message = N_("Your account may not do this.")


def every_refusal() -> list[type[Refusal]]:
    """Every refusal class defined so far (those of imported modules), most general first."""
    found: list[type[Refusal]] = []
    pending: list[type[Refusal]] = [Refusal]
    while pending:
        cls = pending.pop(0)
        if cls not in found:  # a refusal with two bases is reached twice
            found.append(cls)
            pending.extend(cls.__subclasses__())
    return found
