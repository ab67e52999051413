"""Why an uploaded photo was refused, as a stable code the API and the templates can rely on."""

from enum import StrEnum


class EvidenceErrorCode(StrEnum):
    TOO_LARGE = "too_large"
    EMPTY = "empty"
    UNSUPPORTED_TYPE = "unsupported_type"
    CORRUPT = "corrupt"
    DECOMPRESSION_BOMB = "decompression_bomb"
    # The public copy still carried metadata after re-encoding: the photo must not be published.
    STRIP_FAILED = "strip_failed"


class EvidenceError(Exception):
    """A refused upload. `code` is stable (API and translations key on it); `message_en` is for logs and
    English pages and may quote the client's file name, so escape it on output like any user input."""

    def __init__(self, code: EvidenceErrorCode, message_en: str) -> None:
        super().__init__(f"{code}: {message_en}")
        self.code = code
        self.message_en = message_en
