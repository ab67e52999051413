"""Pages of a long list: ``?page=`` (from 1) and ``?page_size=`` on every staff list, page and API alike.

A page is read with one query of ``size + 1`` rows (the extra row only says whether a next page exists), never
a count of the whole table; the rows' related objects are loaded by the list's own query in bulk, so a page
costs the same number of queries whatever its size (the tests count them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from portal.refusals import N_, Refusal

T = TypeVar("T")
U = TypeVar("U")

DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_PAGE = 100_000  # keeps the offset far inside every database's integer range


class BadPage(Refusal):
    code = "bad_page"
    status = 400
    message = N_("The page must be a whole number from 1, and the page size a whole number from 1 to 200.")
    default_field = "page"


@dataclass(frozen=True)
class PageRequest:
    number: int = 1
    size: int = DEFAULT_PAGE_SIZE

    @property
    def offset(self) -> int:
        return (self.number - 1) * self.size


def _whole(raw: str | None, default: int, high: int, field: str) -> int:
    text = (raw or "").strip()
    if not text:
        return default
    if text.isascii() and text.isdigit() and len(text) <= len(str(high)) and 1 <= int(text) <= high:
        return int(text)
    raise BadPage(f"{field}={text[:20]!r}", field=field)


def page_request(args: Mapping[str, str], default_size: int = DEFAULT_PAGE_SIZE) -> PageRequest:
    """The page the query string asks for (``page``, ``page_size``), or a 400 refusal naming the parameter."""
    return PageRequest(
        _whole(args.get("page"), 1, MAX_PAGE, "page"),
        _whole(args.get("page_size"), default_size, MAX_PAGE_SIZE, "page_size"),
    )


@dataclass(frozen=True)
class Page(Generic[T]):
    items: list[T]
    request: PageRequest
    has_next: bool

    @classmethod
    def of(cls, rows: Sequence[T], request: PageRequest) -> Page[T]:
        """A page from the ``request.size + 1`` rows read for it."""
        return cls(list(rows[: request.size]), request, len(rows) > request.size)

    def map(self, convert: Callable[[T], U]) -> Page[U]:
        return Page([convert(item) for item in self.items], self.request, self.has_next)

    def as_json(self) -> dict[str, object]:
        """What the API adds beside the items: where the caller is, and whether to ask for more."""
        return {"page": self.request.number, "page_size": self.request.size, "has_next": self.has_next}


# The OpenAPI description of a paged list: its two query parameters, and what the answer adds.
PAGE_PARAMETERS: list[dict[str, object]] = [
    {
        "name": "page",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    },
    {
        "name": "page_size",
        "in": "query",
        "required": False,
        "schema": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE, "default": DEFAULT_PAGE_SIZE},
    },
]
PAGE_PROPERTIES: dict[str, object] = {
    "page": {"type": "integer"},
    "page_size": {"type": "integer"},
    "has_next": {"type": "boolean", "description": "Whether page + 1 holds more"},
}
