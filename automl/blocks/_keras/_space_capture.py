"""AutoKeras search spaces, captured from the blocks and frozen as our hyperparameters.

An AutoKeras block declares its search space define-by-run through a ``keras_tuner``
``HyperParameters`` object. ``capture_space`` records that space completely (conditional
hyperparameters included), so each Keras block can freeze it in its own file
(``frozen_space``) and a test checks the frozen copy against AutoKeras.
"""

from __future__ import annotations

from automl.blocks._keras._tensorflow import autokeras_block, import_keras
from automl.hyperparameters import Bool, Choice, Float, Int

#: Builds between two ``clear_session`` calls while a space is captured.
CLEAR_EVERY = 16


def capture_space(block: str, input_shape: tuple[int, ...], *, options: dict | None = None,
                  input_dtype: str = "float32", scope: str = "block") -> dict:
    """The complete search space of the AutoKeras block named ``block`` (constructed with
    ``options``) on inputs of ``input_shape``, as ``{name: (kind, values or (low, high),
    default)}``.

    Conditional hyperparameters appear only when their condition holds (``units_2`` only with
    three layers), so the block is rebuilt with each value of every choice already seen until
    no new hyperparameter appears.
    """
    import keras_tuner

    keras = import_keras()
    seen: dict[str, object] = {}
    pending: list[dict] = [{}]
    tried: set[tuple] = set()
    while pending:
        values = pending.pop()
        key = tuple(sorted(values.items()))
        if key in tried:
            continue
        tried.add(key)
        hp = keras_tuner.HyperParameters()
        hp.values.update(values)
        if len(tried) % CLEAR_EVERY == 0:
            # Each build allocates weights: drop Keras' hold on them now and then (without its
            # garbage collection, which in a long-lived process costs seconds each time).
            keras.backend.clear_session(free_memory=False)
        autokeras_block(block, scope, options).build(
            hp, keras.Input(shape=input_shape, dtype=input_dtype))
        for item in hp.space:
            name = item.name.removeprefix(f"{scope}/")
            if name not in seen:
                seen[name] = item
                if type(item).__name__ in ("Choice", "Boolean"):
                    choices = item.values if type(item).__name__ == "Choice" else [False, True]
                    for option in choices:
                        pending.append({**values, item.name: option})
    space = {}
    for name, item in seen.items():
        kind = type(item).__name__
        if kind == "Choice":
            space[name] = ("choice", tuple(item.values), item.default)
        elif kind == "Boolean":
            space[name] = ("bool", (False, True), item.default)
        elif kind in ("Int", "Float"):
            space[name] = (kind.lower(), (item.min_value, item.max_value), item.default)
        else:
            space[name] = (kind.lower(), (), item.default)
    return space


def frozen_space(captured: dict) -> dict:
    """Our hyperparameters for a captured AutoKeras space (see ``capture_space``)."""
    space = {}
    for name, (kind, values, default) in captured.items():
        if kind == "choice":
            space[name] = Choice(values, default=default)
        elif kind == "bool":
            space[name] = Bool(default=default)
        elif kind == "int":
            space[name] = Int(values[0], values[1], default=default)
        elif kind == "float":
            space[name] = Float(values[0], values[1], default=default)
        else:
            raise ValueError(f"cannot freeze AutoKeras hyperparameter {name!r} of kind {kind!r}.")
    return space
