"""RealMLP: the table network of "Better by default" (Holzmüller et al. 2024), in Keras."""

from dataclasses import replace

from automl.blocks._keras import TRAINING_KEYS, TRAINING_SPACE, KerasNetwork
from automl.data import Task
from automl.graph import KERAS_NETWORK, Block, Role, register_block
from automl.hyperparameters import Bool, Choice, Float, Int


@register_block
class RealMLP(Block):
    """A multi-layer perceptron with RealMLP's tuned defaults: robust scaling with smooth
    clipping and periodic numeric embeddings inside the network, three layers of 256 SiLU
    units with dropout 0.15, label smoothing 0.1, AdamW on a one-cycle schedule over batches
    of 256 (``automl.blocks._keras._real_mlp`` says what is kept of the recipe). Its
    defaults are the first candidate; the search moves from there. Exports as one ``.keras``
    file like the other networks."""

    role = Role.MODEL
    tags = KERAS_NETWORK  # it scales its inputs itself
    hyperparameters = {
        "num_layers": Int(1, 4, default=3),
        "units": Choice((64, 128, 256, 512), default=256),
        "dropout": Choice((0.0, 0.15, 0.3), default=0.15),
        "activation": Choice(("silu", "selu", "relu")),
        "embedding": Bool(True),
        "frequency_scale": Float(0.01, 1.0, log=True, default=0.1),
        "label_smoothing": Float(0.0, 0.2, default=0.1),
        **TRAINING_SPACE,
        "optimizer": replace(TRAINING_SPACE["optimizer"], default="adamw"),
        "batch_size": replace(TRAINING_SPACE["batch_size"], default=256),
        "learning_rate": replace(TRAINING_SPACE["learning_rate"], default=2e-3),
        "lr_schedule": replace(TRAINING_SPACE["lr_schedule"], default="one_cycle"),
        "max_epochs": replace(TRAINING_SPACE["max_epochs"], default=256),
    }
    classification_only = frozenset({"label_smoothing"})

    @classmethod
    def build(cls, params, context):
        training = {key: params[key] for key in TRAINING_KEYS}
        network = {key: value for key, value in params.items()
                   if key not in TRAINING_KEYS and key != "label_smoothing"}
        return KerasNetwork("RealMLPBlock", network,
                            classification=context.task is Task.CLASSIFICATION,
                            label_smoothing=params.get("label_smoothing", 0.0),
                            seed=context.seed, **training)
