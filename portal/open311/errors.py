"""Open311 failures: an HTTP status and the spec's error list, one description per problem.

Descriptions are for people (spec, Errors), so they are translated, but each names its parameter verbatim
(``service_code``, ``attribute[division]``) so that programs and tests can tell the problems apart.
"""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext as _


class Open311Error(Exception):
    """Answer ``status`` with an error list. The status is the code of every error in it (spec: "should match")."""

    def __init__(self, status: int, descriptions: Sequence[str]) -> None:
        super().__init__("; ".join(descriptions))
        self.status = status
        self.descriptions = list(descriptions)


def not_provided(parameter: str) -> str:
    # The wording of the spec's own example ("service_code was not provided").
    return _("%(parameter)s was not provided", parameter=parameter)


def not_found(parameter: str, value: str) -> str:
    return _("%(parameter)s %(value)s was not found", parameter=parameter, value=value)


def problem(parameter: str, message: str) -> str:
    return _("%(parameter)s: %(problem)s", parameter=parameter, problem=message)
