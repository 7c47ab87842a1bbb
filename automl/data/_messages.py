"""How values appear in error messages."""

from collections.abc import Sequence

import numpy as np


def plain(value):
    """numpy scalars as Python values, so messages read ``2``, not ``np.int64(2)``."""
    return value.item() if isinstance(value, np.generic) else value


def preview(names: Sequence, limit: int = 8) -> str:
    """``'a', 'b', 'c'`` — at most ``limit`` names, then how many there are in all."""
    shown = ", ".join(repr(plain(n)) for n in list(names)[:limit])
    return shown + (f", ... ({len(names)} in all)" if len(names) > limit else "")
