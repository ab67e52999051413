"""Every string goes through gettext, and the Chinese catalogue translates every one of them."""

from __future__ import annotations

from pathlib import Path

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[3]
PO = ROOT / "portal" / "translations" / "zh" / "LC_MESSAGES" / "messages.po"


def extracted_ids() -> set[str]:
    """What `make messages` extracts: the same mapping file and keywords."""
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    keywords = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
    ids = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=keywords
    ):
        ids.add(message if isinstance(message, str) else message[0])
    return ids


def _forms(string: str | tuple[str, ...]) -> tuple[str, ...]:
    return string if isinstance(string, tuple) else (string,)


def test_chinese_catalogue_covers_every_extracted_string() -> None:
    with PO.open("rb") as handle:
        # Plural entries are keyed by their singular form, as the extractor reports them.
        catalogue = {
            message.id[0] if isinstance(message.id, tuple) else message.id: message
            for message in read_po(handle)
            if message.id
        }
    missing = sorted(extracted_ids() - set(catalogue))
    assert not missing, f"run `make messages` and translate: {missing}"
    untranslated = sorted(
        mid for mid, message in catalogue.items() if not any(_forms(message.string)) or message.fuzzy
    )
    assert not untranslated, f"untranslated or fuzzy in {PO.name}: {untranslated}"
