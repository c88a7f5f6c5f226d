"""Keys as they were stored under earlier rules, for migrations only.

A migration that rekeys stored rows must be reversible, so its downgrade needs the
keys the previous rule gave. The rule before UTS #39 is the current one without the
confusables table: ``keys_before_uts39`` switches it off for the duration of a block.
It changes process-wide state, so nothing but a migration may call it.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from services.common.identifiers import calibres, manufacturers
from services.common.identifiers._text import build_alias_index, use_fold_table
from services.common.identifiers.calibre_aliases import CALIBRE_ALIASES
from services.common.identifiers.manufacturer_aliases import MANUFACTURER_ALIASES


def _forget_memoized_keys() -> None:
    """Drop memoized keys and key the alias tables again under the folding in force
    (Cyrillic aliases such as "ТОЗ" key differently under the two rules)."""
    calibres.calibre_key.cache_clear()
    manufacturers.manufacturer_key.cache_clear()
    for index, table, key in (
        (calibres._BY_KEY, CALIBRE_ALIASES, calibres.structural_calibre_key),
        (manufacturers._BY_KEY, MANUFACTURER_ALIASES, manufacturers.structural_manufacturer_key),
    ):
        rebuilt = build_alias_index(table, key)
        index.clear()
        index.update(rebuilt)


@contextmanager
def keys_before_uts39() -> Iterator[None]:
    """Within the block, every identifier key is computed as before registry0007 /
    declarations0008 (Cyrillic, Greek and a few Latin look-alikes only)."""
    use_fold_table(confusables=False)
    _forget_memoized_keys()
    try:
        yield
    finally:
        use_fold_table(confusables=True)
        _forget_memoized_keys()
