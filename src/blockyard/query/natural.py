"""Natural sort keys for text ("item 4" before "item 10"), kept in `property_values.text_sort`.

A module of its own, with nothing of the index's: the store's migrations fill the column too."""

from __future__ import annotations

import re

from ..store.schema_query import SORT_KEY_LEN

_DIGITS = re.compile(r"[0-9]+")


def natural_key(folded: str) -> str:
    """A key that sorts text naturally ("item 4" before "item 10") when compared by code point: each
    run of digits becomes its length (two digits) and its value without leading zeros. The result
    still starts with a digit, so runs keep their place among other characters."""

    def run(m: re.Match[str]) -> str:
        digits = m.group().lstrip("0") or "0"
        return f"{min(len(digits), 99):02d}{digits}"

    return _DIGITS.sub(run, folded)[:SORT_KEY_LEN]
