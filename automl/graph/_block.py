"""The block contract: a component that declares its hyperparameters once, wires like a Keras
layer, and builds a scikit-learn object from concrete values."""

from __future__ import annotations

import enum
import importlib.util
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
    #: Positions of the model's input columns that hold category codes, when the pipeline
    #: hands a model with ``native_categoricals`` its categorical columns coded (first).
    categorical_features: tuple[int, ...] = ()


@dataclass(frozen=True)
class BlockTags:
    """What a block can do and what it needs, declared once per block class (as scikit-learn's
    estimator tags): ``tags = BlockTags(scale_sensitive=True)``.

    Attributes:
        tasks: the tasks the block can serve (models are often one-task only).
        scale_sensitive: a model that needs scaled features (its default pipeline starts with
            a StandardScaler).
        max_input_columns: left out of default spaces for tables with more columns than this.
        max_input_rows: left out of default spaces for tables with more rows than this (a
            cost that grows faster than the rows, as a kernel SVM's).
        refit_cost_factor: how much more the exported refit costs than a cross-validation fit
            on as many rows.
        keras_network: trains a Keras network: scored on fewer folds under a time budget,
            exported as a ``keras.Model``.
        imports_tensorflow: building or fitting it imports TensorFlow (seconds of start-up in
            a process that has not yet).
        uses_gpu: candidates containing it run on workers that own a GPU, when there are any.
        needs_images: works on image pixels only (convolutions): left out of other spaces;
            only feature steps tagged ``keeps_columns`` come before it (it reshapes the columns
            back into images).
        keeps_columns: a feature step that maps each column to one column, in place (scalers).
        needs_text: works on text only (vectorizers, text networks): left out of other spaces.
        takes_raw_text: a model that vectorizes inside: text pipelines hand it the documents
            and skip their vectorizer.
        takes_documents: a network layer that takes a ``TextInput``'s strings.
        needs_token_ids: a network layer that takes the token ids of a ``TextVectorization``.
        native_categoricals: a model that splits on categories itself: after an encoder that
            ``codes_categories`` and no feature step, it gets their positions
            (``BuildContext.categorical_features``).
        codes_categories: an encoder that writes each categorical column as one column of
            integer codes (negative for a category it never saw).
        requires: the package its library comes in when automl does not install it (an
            optional extra, ``pip install 'automl[xgboost]'``): default spaces leave the block
            out while it is missing, naming it asks for the package.
    """

    tasks: frozenset[Task] = frozenset(Task)
    scale_sensitive: bool = False
    max_input_columns: int | None = None
    max_input_rows: int | None = None
    refit_cost_factor: float = 1.0
    keras_network: bool = False
    imports_tensorflow: bool = False
    uses_gpu: bool = False
    needs_images: bool = False
    keeps_columns: bool = False
    needs_text: bool = False
    takes_raw_text: bool = False
    takes_documents: bool = False
    needs_token_ids: bool = False
    native_categoricals: bool = False
    codes_categories: bool = False
    requires: str | None = None


#: The tags every Keras network block shares; a block adds its own with ``dataclasses.replace``.
KERAS_NETWORK = BlockTags(keras_network=True, imports_tensorflow=True, uses_gpu=True,
                          refit_cost_factor=1.2)

_REGISTRY: dict[str, type[Block]] = {}
_LAYERS: dict[str, type[Block]] = {}


def register_block(cls: type[Block]) -> type[Block]:
    """Class decorator: makes a block searchable by name (in presets, ``models=``, …).

    Pipeline blocks and network layer blocks (``Role.LAYER``) are kept apart; heads and choice
    blocks are not registered. A name taken by another class is an error, so two blocks never
    shadow each other silently.
    """
    role = getattr(cls, "role", None)
    if not isinstance(role, Role) or role in (Role.HEAD, Role.CHOICE):
        raise TypeError(f"{cls.__name__} cannot be registered: set its role to a pipeline role "
                        "(Role.MODEL, Role.TRANSFORMER, ...) or Role.LAYER.")
    registry = _LAYERS if role is Role.LAYER else _REGISTRY
    taken = registry.get(cls.__name__)
    if taken is not None and (taken.__module__, taken.__qualname__) != (cls.__module__,
                                                                         cls.__qualname__):
        raise ValueError(f"a block named {cls.__name__!r} is registered already "
                         f"({taken.__module__}): give yours another class name.")
    registry[cls.__name__] = cls
    return cls


def missing_package(block: type[Block]) -> str | None:
    """Why ``block`` cannot be built here (its optional package is not installed), or None."""
    package = block.tags.requires
    if package is None or importlib.util.find_spec(package) is not None:
        return None
    return (f"{block.__name__} needs the {package!r} package, which is not installed: "
            f"pip install 'automl[{package}]'.")


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

    A subclass sets ``role``, ``hyperparameters`` and, where they differ from the defaults,
    its ``tags``, implements ``build``, and registers with ``@register_block``. Keyword
    arguments of the constructor fix hyperparameters: ``RandomForest(n_estimators=300)``
    searches everything but ``n_estimators``.
    """

    role: ClassVar[Role]
    hyperparameters: ClassVar[Mapping[str, Hyperparameter]] = {}
    #: Hyperparameters that only mean something for classification (e.g. class_weight).
    classification_only: ClassVar[frozenset[str]] = frozenset()
    tags: ClassVar[BlockTags] = BlockTags()

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
