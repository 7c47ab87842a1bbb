"""RealMLP's network (Holzmüller et al. 2024, "Better by default"), built the way
``KerasNetwork`` builds an AutoKeras block: ``RealMLPBlock(name).build(hp, inputs)`` with the
values under ``name/`` in ``hp``.

Kept from the published recipe: robust scaling with smooth clipping of the inputs, periodic
numeric embeddings ("PBLD"), three layers of 256 units with dropout, label smoothing (the
``label_smoothing`` of ``KerasNetwork``), AdamW on a one-cycle schedule, batches of 256. Left
out: its NTK parameterisation, parametric activations and the first layer's learned scales.
"""

from __future__ import annotations

from automl.blocks._keras._tensorflow import import_keras

#: The recipe's values, where ``hp`` holds none.
DEFAULTS = {"num_layers": 3, "units": 256, "dropout": 0.15, "activation": "silu",
            "embedding": True, "frequency_scale": 0.1}


class RealMLPBlock:
    """The network between the features and the head (the head is ``KerasNetwork``'s)."""

    def __init__(self, name: str = "real_mlp"):
        self.name = name

    def build(self, hp, inputs):
        from automl.keras_layers import PeriodicEmbedding, RobustScaleClip

        keras = import_keras()
        values = {key: hp.values.get(f"{self.name}/{key}", default)
                  for key, default in DEFAULTS.items()}
        # adapted to the training rows by KerasNetwork before training
        hidden = RobustScaleClip(name="robust_scale_clip")(inputs)
        if values["embedding"]:
            hidden = PeriodicEmbedding(sigma=values["frequency_scale"],
                                       name="periodic_embedding")(hidden)
        for _ in range(int(values["num_layers"])):
            hidden = keras.layers.Dense(int(values["units"]),
                                        activation=values["activation"])(hidden)
            if values["dropout"]:
                hidden = keras.layers.Dropout(float(values["dropout"]))(hidden)
        return hidden


#: Blocks of ours that ``autokeras_block`` builds like AutoKeras's, by name.
OWN_BLOCKS = {"RealMLPBlock": RealMLPBlock}
