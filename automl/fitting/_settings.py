"""Settings shared by AutoModel's searches (one graph, or several inputs and outputs)."""

from __future__ import annotations

import numpy as np

#: Folds a Keras network candidate is scored on when a time budget is set (see fit).
NETWORK_FOLDS = 2


def draw_seed() -> int:
    return int(np.random.SeedSequence().entropy % 2**31)


def memory_bytes(limit) -> int | None:
    """``memory_limit`` in bytes: an integer, or text such as ``"4GB"`` / ``"512 MiB"``."""
    if limit is None:
        return None
    if isinstance(limit, str):
        from dask.utils import parse_bytes

        try:
            limit = parse_bytes(limit)
        except ValueError:
            raise ValueError(f"memory_limit {limit!r} is not a size: use bytes or text like "
                             "'4GB' or '512MiB'.") from None
    if not isinstance(limit, int | np.integer) or isinstance(limit, bool) or limit < 2**26:
        raise ValueError(f"memory_limit must be at least 64 MiB (a worker needs that much to "
                         f"start); received {limit!r}.")
    return int(limit)
