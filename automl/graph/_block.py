"""The block contract: a component that declares its hyperparameters once, wires like a Keras
layer, and builds a scikit-learn object from concrete values."""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from typing import ClassVar

from automl.data import Task
from automl.graph._node import Node, NodeKind, snake_case
from automl.hyperparameters import Hyperparameter


class Role(enum.Enum):
    """Where a block sits in a pipeline, and so which nodes it takes and makes."""

    IMPUTER = "imputer"
    ENCODER = "encoder"
    VECTORIZER = "vectorizer"
    TRANSFORMER = "transformer"
    MODEL = "model"
    LAYER = "layer"  # a part of a Keras network wired by hand (automl.blocks.layers)
    CHOICE = "choice"
    HEAD = "head"


_ACCEPTS = {
    Role.IMPUTER: frozenset({NodeKind.TABLE}),
    Role.ENCODER: frozenset({NodeKind.TABLE}),
    Role.VECTORIZER: frozenset({NodeKind.TABLE}),
    Role.TRANSFORMER: frozenset({NodeKind.TABLE, NodeKind.FEATURES}),
    Role.MODEL: frozenset({NodeKind.TABLE, NodeKind.FEATURES}),
    Role.LAYER: frozenset({NodeKind.TABLE, NodeKind.TENSOR}),
    Role.CHOICE: frozenset({NodeKind.TABLE}),
    Role.HEAD: frozenset({NodeKind.PREDICTION, NodeKind.TENSOR}),
}
_PRODUCES = {
    Role.IMPUTER: NodeKind.TABLE,
    Role.ENCODER: NodeKind.TABLE,
    Role.VECTORIZER: NodeKind.FEATURES,
    Role.TRANSFORMER: NodeKind.FEATURES,
    Role.MODEL: NodeKind.PREDICTION,
    Role.LAYER: NodeKind.TENSOR,
    Role.CHOICE: NodeKind.PREDICTION,
    Role.HEAD: NodeKind.OUTPUT,
}


@dataclass(frozen=True)
class BuildContext:
    """What a block needs to know, besides its values, to build its estimator."""

    task: Task
    seed: int
    final: bool = False  # True for the refit that is exported (e.g. SVC then learns probabilities)
    input_shape: tuple[int, ...] | None = None  # (H, W, C) when the features are image pixels


_REGISTRY: dict[str, type[Block]] = {}
_LAYERS: dict[str, type[Block]] = {}


def registered_blocks() -> dict[str, type[Block]]:
    """Every pipeline block class by name (importing ``automl.blocks`` registers them)."""
    return dict(_REGISTRY)


def registered_layers() -> dict[str, type[Block]]:
    """Every network layer block class by name (``automl.blocks.layers``): parts of a Keras
    network wired by hand, kept apart from pipeline blocks (they build no scikit-learn
    object)."""
    return dict(_LAYERS)


class Block:
    """Base class of all blocks.

    A subclass sets ``role`` and ``hyperparameters`` and implements ``build``; it registers
    itself under its class name. Keyword arguments of the constructor fix hyperparameters:
    ``RandomForest(n_estimators=300)`` searches everything but ``n_estimators``.
    """

    role: ClassVar[Role]
    hyperparameters: ClassVar[Mapping[str, Hyperparameter]] = {}
    #: Tasks the block can serve (models are often one-task only).
    tasks: ClassVar[frozenset[Task]] = frozenset(Task)
    #: Hyperparameters that only mean something for classification (e.g. class_weight).
    classification_only: ClassVar[frozenset[str]] = frozenset()
    #: Models that need scaled features: their default pipeline starts with a StandardScaler.
    scale_sensitive: ClassVar[bool] = False
    #: Skip this block in default spaces when the table has more columns than this.
    max_input_columns: ClassVar[int | None] = None
    #: How much more the exported refit costs than a cross-validation fit on as many rows.
    refit_cost_factor: ClassVar[float] = 1.0
    #: Candidates containing this block run on workers that own a GPU, when there are any.
    uses_gpu: ClassVar[bool] = False
    #: The block works on image pixels only (e.g. convolutions): left out of spaces for tables.
    needs_images: ClassVar[bool] = False
    #: The block works on text only (vectorizers, text networks): left out of other spaces.
    needs_text: ClassVar[bool] = False
    #: A model that takes the documents themselves (it vectorizes inside): text pipelines
    #: hand it the raw text column and skip their vectorizer.
    takes_raw_text: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        # Concrete searchable blocks register; private bases (``_Forest``) and heads do not.
        if ("role" in cls.__dict__ and cls.role not in (Role.HEAD, Role.CHOICE)
                and not cls.__name__.startswith("_")):
            (_LAYERS if cls.role is Role.LAYER else _REGISTRY)[cls.__name__] = cls

    def __init__(self, *, name: str | None = None, **fixed):
        self.name = name or snake_case(type(self).__name__)
        unknown = sorted(set(fixed) - set(self.hyperparameters))
        if unknown:
            valid = ", ".join(sorted(self.hyperparameters)) or "none"
            raise TypeError(
                f"{type(self).__name__} got unexpected argument {unknown[0]!r}; its "
                f"hyperparameters are: {valid}."
            )
        self.fixed = {
            key: self.hyperparameters[key].validate(value, f"{type(self).__name__}({key}=...)")
            for key, value in fixed.items()
        }

    @property
    def label(self) -> str:
        return f"{type(self).__name__} {self.name!r}"

    @classmethod
    def hyperparameters_for(cls, task: Task) -> dict[str, Hyperparameter]:
        """The declared hyperparameters that mean something for ``task``."""
        return {
            key: hp for key, hp in cls.hyperparameters.items()
            if task is Task.CLASSIFICATION or key not in cls.classification_only
        }

    def search_hyperparameters(self, task: Task) -> dict[str, Hyperparameter]:
        """The hyperparameters for ``task``, with the values this instance fixes pinned."""
        return {
            key: hp.fixed(self.fixed[key]) if key in self.fixed else hp
            for key, hp in self.hyperparameters_for(task).items()
        }

    def __call__(self, inputs) -> Node:
        node = self._single_input(inputs)
        accepted = _ACCEPTS[self.role]
        if node.kind not in accepted:
            raise ValueError(self._wiring_error(node))
        return Node(_PRODUCES[self.role], producer=self, parents=(node,))

    def _single_input(self, inputs) -> Node:
        if isinstance(inputs, list | tuple):
            if len(inputs) != 1:
                raise ValueError(
                    f"{self.label} takes one input node but was called on {len(inputs)}: call it "
                    "on a single node."
                )
            inputs = inputs[0]
        if not isinstance(inputs, Node):
            raise TypeError(
                f"{self.label} was called on {type(inputs).__name__}, but blocks are called on "
                "nodes, like Keras layers: inp = StructuredDataInput(); "
                f"out = {type(self).__name__}()(inp). Data goes to fit()."
            )
        return inputs

    def _wiring_error(self, node: Node) -> str:
        if node.kind is NodeKind.OUTPUT:
            return (f"{self.label} was called on {node.label}, but a head ends the graph: pass "
                    "the head's output to AutoModel(outputs=...) instead.")
        if node.kind is NodeKind.TENSOR:
            return (f"{self.label} was called on {node.label}, a part of a Keras network: "
                    "continue the network with layer blocks (DenseBlock, Merge, ...) and end it "
                    "in a head; scikit-learn blocks do not take a network's tensors.")
        if self.role is Role.HEAD:
            return (f"{self.label} was called on {node.label}, but a head takes the output of a "
                    "model block (e.g. StructuredDataBlock or RandomForest) or of a network "
                    "layer (e.g. DenseBlock): put a model or a layer between them.")
        if node.kind is NodeKind.PREDICTION:
            return (f"{self.label} was called on {node.label}, which is already a model's "
                    "prediction: call it on an input or on a preprocessing block's output, and "
                    "put a head after the model.")
        return (f"{self.label} works on the raw columns of a StructuredDataInput, but was called "
                f"on {node.label}: call it before any scaling or feature step.")

    def get_config(self) -> dict:
        return {"name": self.name, **self.fixed}

    @classmethod
    def from_config(cls, config: Mapping) -> Block:
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"

    @classmethod
    def build(cls, params: Mapping, context: BuildContext):
        """The scikit-learn object for concrete hyperparameter ``params``."""
        raise NotImplementedError(f"{cls.__name__} must implement build(params, context).")
