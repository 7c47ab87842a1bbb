"""Where one network candidate's time goes on this machine: TensorFlow's import, building the
network, the first epoch (graph tracing), the later epochs (the training step and the
validation pass each epoch) and prediction, for the shipped defaults of ConvNetwork (digits
8x8) and DenseNetwork (a table), in a fresh process as a worker would be.

    python benchmarks/network_cost.py                      # both, 20 epochs, 1 thread
    python benchmarks/network_cost.py --threads 2 --epochs 10
    python benchmarks/network_cost.py --steps-per-execution 1 8   # before / after the cut

The candidate's cross-validation fits such a network once per fold (2 folds under a time
budget): the figures are per fit.
"""

from __future__ import annotations

import argparse
import itertools
import os
import time


def profile(kind: str, epochs: int, steps_per_execution: int) -> dict:
    import numpy as np

    from automl.blocks._keras import KerasNetwork, import_keras
    from automl.blocks.conv_network import CONV_BLOCK_SPACE
    from automl.blocks.dense_network import DENSE_BLOCK_SPACE

    tic = time.perf_counter()
    keras = import_keras()
    seconds = {"import": time.perf_counter() - tic}
    rng = np.random.default_rng(0)
    if kind == "conv":
        from sklearn.datasets import load_digits

        x, y = load_digits(return_X_y=True)
        space, shape = CONV_BLOCK_SPACE, (8, 8, 1)
    else:
        x = rng.normal(size=(2000, 20))
        y = (x[:, 0] + x[:, 1] ** 2 > 1).astype(int)
        space, shape = DENSE_BLOCK_SPACE, None
    values = {name: entry[2] for name, entry in space.items()}
    network = KerasNetwork("ConvBlock" if kind == "conv" else "DenseBlock", values,
                           max_epochs=epochs, input_shape=shape, seed=0)
    times: list[float] = []

    class Clock(keras.callbacks.Callback):
        def on_epoch_begin(self, epoch, logs=None):
            self.tic = time.perf_counter()

        def on_epoch_end(self, epoch, logs=None):
            times.append(time.perf_counter() - self.tic)

    from automl.blocks._keras import _training

    callbacks, shipped = _training.training_callbacks, _training.STEPS_PER_EXECUTION
    _training.training_callbacks = lambda *args, **kwargs: [*callbacks(*args, **kwargs),
                                                            Clock()]
    _training.STEPS_PER_EXECUTION = steps_per_execution
    tic = time.perf_counter()
    try:
        network.fit(x, y)
    finally:
        _training.training_callbacks = callbacks
        _training.STEPS_PER_EXECUTION = shipped
    seconds["fit"] = time.perf_counter() - tic
    seconds["first_epoch"] = times[0]
    seconds["later_epoch_median"] = float(np.median(times[1:])) if len(times) > 1 else None
    seconds["epochs"] = len(times)
    seconds["build_and_compile"] = seconds["fit"] - sum(times)
    tic = time.perf_counter()
    network.predict(x[:300])
    seconds["predict_300_first"] = time.perf_counter() - tic
    tic = time.perf_counter()
    network.predict(x[:300])
    seconds["predict_300_again"] = time.perf_counter() - tic
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kinds", nargs="+", default=["conv", "dense"])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1, help="as a worker's share")
    parser.add_argument("--steps-per-execution", type=int, nargs="+",
                        help="training steps per call into TensorFlow (default: the shipped)")
    args = parser.parse_args()
    for variable in ("TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        os.environ[variable] = str(args.threads)
    from automl.blocks._keras._training import STEPS_PER_EXECUTION

    for kind, steps in itertools.product(args.kinds,
                                         args.steps_per_execution or [STEPS_PER_EXECUTION]):
        figures = profile(kind, args.epochs, steps)
        print(kind, f"steps_per_execution {steps}", "  ".join(
            f"{name} {value:.3f}" if isinstance(value, float) else f"{name} {value}"
            for name, value in figures.items()), flush=True)


if __name__ == "__main__":
    main()
