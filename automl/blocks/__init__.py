"""Blocks, one module per block (or per family sharing declarations).

Every module in this package is imported on first use; a block registers with
``@register_block`` and declares what it can do in its ``tags``, so adding a block means adding
one file. Blocks are reached as ``automl.blocks.RandomForest``.
"""

import importlib
import pkgutil

from automl.graph import (
    KERAS_NETWORK,
    Block,
    BlockTags,
    BuildContext,
    Role,
    register_block,
    registered_blocks,
)


def _import_all() -> dict[str, type[Block]]:
    found = {}
    for module_info in pkgutil.iter_modules(__path__):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{module_info.name}")
        for name, value in vars(module).items():
            if (isinstance(value, type) and issubclass(value, Block) and not name.startswith("_")
                    and value.__module__ == module.__name__):
                found[name] = value
    return found


_BLOCKS = _import_all()


def __getattr__(name: str):
    if name in _BLOCKS:
        return _BLOCKS[name]
    raise AttributeError(f"module 'automl.blocks' has no block {name!r}; "
                         f"the blocks are: {', '.join(sorted(_BLOCKS))}.")


def __dir__():
    return sorted([*globals(), *_BLOCKS])


__all__ = ["KERAS_NETWORK", "Block", "BlockTags", "BuildContext", "Role", "register_block",
           "registered_blocks", *sorted(_BLOCKS)]
