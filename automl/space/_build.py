"""From a graph and the data it will see to the search space of its pipelines."""

from __future__ import annotations

from automl.data import ColumnKind, DataSpec, Task
from automl.graph import Block, Graph, Head, Role, missing_package, registered_blocks
from automl.space._presets import Preset, load_preset
from automl.space._slots import ENCODER_SLOT, IMPUTER_SLOT, MODEL_SLOT, PREPROCESSING_SLOT, VECTORIZER_SLOT
from automl.space._space import BlockOption, SearchSpace, Slot

DEFAULT_PRESETS = {
    Task.CLASSIFICATION: "structured_classification",
    Task.REGRESSION: "structured_regression",
}
#: Where a text graph without a vectorizer takes its default one from.
TEXT_PRESETS = {Task.CLASSIFICATION: "text_classification", Task.REGRESSION: "text_regression"}


def _task_options(slot: str, names, preset: Preset, spec: DataSpec) -> tuple[BlockOption, ...]:
    blocks = registered_blocks()
    n_columns = len(spec.column_names)
    options = []
    for name in names:
        block = blocks[name]
        if spec.task not in block.tags.tasks or missing_package(block):
            continue
        if block.tags.max_input_columns is not None and n_columns > block.tags.max_input_columns:
            continue
        if block.tags.max_input_rows is not None and spec.n_rows > block.tags.max_input_rows:
            continue
        if block.tags.needs_images and spec.image_shape is None:
            continue
        if block.tags.needs_text and not spec.is_text:
            continue
        if spec.is_text and block.role is not Role.MODEL and not block.tags.needs_text:
            continue  # table steps do not apply to documents
        ranges = preset.ranges_of(name)
        ranges = {k: v for k, v in ranges.items() if k in block.hyperparameters_for(spec.task)}
        options.append(BlockOption.of(name, ranges))
    if not options:
        raise ValueError(f"preset {preset.name!r} leaves slot {slot!r} no block for "
                         f"{spec.task.value}: add one to [{slot}].")
    return tuple(options)


def _restrict(names: tuple[str, ...], wanted, argument: str, block: Block,
              role: Role) -> tuple[str, ...]:
    """The user's choice of options (their order, each once): the preset's, or any other
    registered block of the slot's role (e.g. ``models=[..., "DenseNetwork"]``)."""
    if wanted is None:
        return names
    blocks = registered_blocks()
    unknown = [name for name in wanted
               if name not in names and (name not in blocks or blocks[name].role is not role)]
    if unknown:
        others = sorted(name for name, cls in blocks.items()
                        if cls.role is role and name not in names)
        raise ValueError(f"{block.label}: {argument} names {unknown[0]!r}, which is not an "
                         f"option of its preset nor a registered {role.value} block; the "
                         f"preset's options are {list(names)}, the others {others}.")
    for name in wanted:
        if missing := missing_package(blocks[name]):
            raise ValueError(f"{block.label}: {argument} names {name!r}; {missing}")
    return tuple(dict.fromkeys(wanted))


def _choice_slots(block: Block, spec: DataSpec) -> tuple[dict[str, Slot], tuple[str, ...]]:
    """The slots of a choice block's preset, and the preset's portfolio."""
    defaults = getattr(block, "default_presets", None) or DEFAULT_PRESETS
    preset = load_preset(block.preset or defaults[spec.task])
    slots = {}
    for name in (IMPUTER_SLOT, ENCODER_SLOT, VECTORIZER_SLOT):
        if name in preset.slots:
            slots[name] = Slot(name, Role[name.upper()],
                               _task_options(name, preset.slots[name].blocks, preset, spec))
    if PREPROCESSING_SLOT in preset.slots:
        entry = preset.slots[PREPROCESSING_SLOT]
        names = _restrict(entry.blocks, block.preprocessors, "preprocessors", block,
                          Role.TRANSFORMER)
        max_length = entry.max_length if block.max_preprocessors is None else block.max_preprocessors
        if names and max_length > 0:
            options = _task_options(PREPROCESSING_SLOT, names, preset, spec)
            slots[PREPROCESSING_SLOT] = Slot(PREPROCESSING_SLOT, Role.TRANSFORMER, options, 0,
                                          min(max_length, len(options)))
    if MODEL_SLOT not in preset.slots:
        raise ValueError(f"preset {preset.name!r} has no [model] section: add one.")
    names = _restrict(preset.slots[MODEL_SLOT].blocks, block.models, "models", block, Role.MODEL)
    slots[MODEL_SLOT] = Slot(MODEL_SLOT, Role.MODEL, _task_options(MODEL_SLOT, names, preset, spec))
    return slots, preset.portfolio


def _fixed_slot(name: str, block: Block, spec: DataSpec) -> Slot:
    if missing := missing_package(type(block)):
        raise ValueError(missing)
    if block.tags.needs_images and spec.image_shape is None:
        raise ValueError(f"{block.label} works on images, but the input is not images: use "
                         "ImageInput() (or ImageClassifier / ImageRegressor).")
    if block.tags.needs_text and not spec.is_text:
        raise ValueError(f"{block.label} works on text, but the input is not text: use "
                         "TextInput() (or TextClassifier / TextRegressor).")
    if spec.is_text and block.role in (Role.IMPUTER, Role.ENCODER):
        raise ValueError(f"{block.label} works on table columns, but the input is text: "
                         "vectorize it (TfidfVectorizer) or use TextBlock.")
    if spec.task not in block.tags.tasks:
        tasks = " and ".join(sorted(task.value for task in block.tags.tasks))
        raise ValueError(f"{block.label} serves {tasks} only, but the head asks for "
                         f"{spec.task.value}: use a model block for {spec.task.value}.")
    option = BlockOption.of(type(block).__name__, block.search_hyperparameters(spec.task),
                            type(block))
    return Slot(name, block.role, (option,))


def build_space(graph: Graph, spec: DataSpec) -> SearchSpace:
    """The search space of ``graph`` for data described by ``spec``.

    Explicit blocks become slots with a single option (their hyperparameters still searched
    unless fixed); a ``StructuredDataBlock`` expands into the slots of its preset. Imputation
    and categorical encoding are added from the default preset when the graph has none.
    """
    _, blocks = graph.chain()
    head, body = blocks[-1], blocks[:-1]
    if not isinstance(head, Head):
        raise ValueError(f"the graph must end in a head; it ends in {head.label}.")
    typed: dict[str, Slot] = {}
    steps: list[Slot] = []
    model: Slot | None = None
    model_block: Block | None = None
    portfolio: tuple[str, ...] = ()
    for block in body:
        if block.role is Role.CHOICE:
            expanded, portfolio = _choice_slots(block, spec)
            for name in (IMPUTER_SLOT, ENCODER_SLOT, VECTORIZER_SLOT):
                if name in expanded:
                    typed.setdefault(name, expanded[name])
            if PREPROCESSING_SLOT in expanded:
                steps.append(expanded[PREPROCESSING_SLOT])
            new_model = expanded[MODEL_SLOT]
        elif block.role in (Role.IMPUTER, Role.ENCODER, Role.VECTORIZER):
            typed[block.role.value] = _fixed_slot(block.role.value, block, spec)
            continue
        elif block.role is Role.TRANSFORMER:
            taken = {slot.name for slot in steps}
            name = block.name if block.name not in taken else f"{block.name}_{len(steps) + 1}"
            steps.append(_fixed_slot(name, block, spec))
            continue
        else:
            new_model = _fixed_slot(MODEL_SLOT, block, spec)
        if model is not None:
            raise ValueError(f"the graph has two models, {model_block.label} and {block.label}: "
                             "a pipeline ends in one model (use StructuredDataBlock to search "
                             "over several).")
        model, model_block = new_model, block
    if model is None:
        raise ValueError(f"the graph has no model before {head.label}: add a model block such "
                         "as StructuredDataBlock() or RandomForest().")
    _check_image_network_steps(steps, model)
    if spec.is_text:
        if VECTORIZER_SLOT not in typed:
            text_defaults = load_preset(TEXT_PRESETS[spec.task])
            first = text_defaults.slots[VECTORIZER_SLOT].blocks[:1]
            typed[VECTORIZER_SLOT] = Slot(VECTORIZER_SLOT, Role.VECTORIZER,
                                       _task_options(VECTORIZER_SLOT, first, text_defaults, spec))
        return SearchSpace(spec.task, (typed[VECTORIZER_SLOT], *steps, model), portfolio)
    defaults = load_preset(DEFAULT_PRESETS[spec.task])
    slots = []
    for name, kind in ((IMPUTER_SLOT, ColumnKind.NUMERICAL), (ENCODER_SLOT, ColumnKind.CATEGORICAL)):
        if not spec.columns_of(kind):
            continue  # nothing to impute / encode
        if name not in typed:
            first = defaults.slots[name].blocks[:1]
            typed[name] = Slot(name, Role[name.upper()], _task_options(name, first, defaults, spec))
        slots.append(typed[name])
    return SearchSpace(spec.task, (*slots, *steps, model), portfolio)


def _check_image_network_steps(steps: list[Slot], model: Slot) -> None:
    """An image network reshapes its columns back into images: a feature step that changes the
    columns cannot come before it (a searched one is left out of its candidates)."""
    if not all(option.block_class.tags.needs_images for option in model.options):
        return
    for slot in steps:
        if slot.min_length and not any(option.block_class.tags.keeps_columns
                                       for option in slot.options):
            raise ValueError(f"{slot.options[0].block} changes the columns, but "
                             f"{model.options[0].block} takes the images' pixels: remove "
                             f"{slot.options[0].block}, or use a scikit-learn model after it.")
