"""From a genome to a runnable scikit-learn pipeline."""

from __future__ import annotations

from dataclasses import replace

from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from automl.data import ColumnKind, DataSpec, TextColumn, table_adapter
from automl.genome import BlockGene, Genome
from automl.graph import BuildContext, Role
from automl.pipeline._layout import COLUMNS_STEP, MODEL_STEP
from automl.space import (
    ENCODER_SLOT,
    IMPUTER_SLOT,
    MODEL_SLOT,
    VECTORIZER_SLOT,
    SearchSpace,
    Slot,
)


def _build_block(slot: Slot, gene: BlockGene, context: BuildContext):
    return slot.option(gene.block).block_class.build(gene.values, context)


def build_pipeline(
    genome: Genome, space: SearchSpace, spec: DataSpec, *, seed: int, final: bool = False
) -> Pipeline:
    """The unfitted pipeline of ``genome``: table checks and per-kind column handling (for
    text: the documents and their vectorizer), feature steps in order, then the model. It
    accepts the same DataFrames, arrays or documents as ``fit``.

    Args:
        genome: the candidate, inside ``space``.
        space: where each slot of the genome sits in the pipeline.
        spec: the columns and their kinds.
        seed: random state of every randomised step.
        final: build for the exported refit (e.g. an SVC then learns probabilities).
    """
    context = BuildContext(spec.task, seed, final, spec.image_shape)
    model_slot, model_gene = space.slot(MODEL_SLOT), genome[MODEL_SLOT][0]
    if _codes_categories_for_model(genome, space, spec):
        context = replace(context, categorical_features=tuple(
            range(len(spec.columns_of(ColumnKind.CATEGORICAL)))))
    model = _build_block(model_slot, model_gene, context)
    if not spec.is_text:
        prefix = _table_steps(genome, space, spec, context)
    elif model_slot.option(model_gene.block).block_class.tags.takes_raw_text:
        # A Keras text network vectorizes inside the model: it takes the documents.
        return Pipeline([("text", TextColumn()), (COLUMNS_STEP, "passthrough"),
                         (MODEL_STEP, model)])
    else:
        vectorizer = _build_block(space.slot(VECTORIZER_SLOT), genome[VECTORIZER_SLOT][0],
                                  context)
        prefix = [("text", TextColumn()), (COLUMNS_STEP, vectorizer)]
    steps = [*prefix]
    for slot in space.slots:
        if slot.role is Role.TRANSFORMER:
            for gene in genome[slot.name]:
                steps.append((f"{slot.name}_{gene.block.lower()}", _build_block(slot, gene, context)))
    steps.append((MODEL_STEP, model))
    return Pipeline(steps)


def _codes_categories_for_model(genome: Genome, space: SearchSpace, spec: DataSpec) -> bool:
    """Whether the model takes the categorical columns as codes it splits on itself: a model
    with ``native_categoricals`` right after an encoder that ``codes_categories``."""
    if spec.is_text or not spec.columns_of(ColumnKind.CATEGORICAL):
        return False
    model = space.slot(MODEL_SLOT).option(genome[MODEL_SLOT][0].block).block_class
    encoder = space.slot(ENCODER_SLOT).option(genome[ENCODER_SLOT][0].block).block_class
    feature_steps = any(genome[slot.name] for slot in space.slots
                        if slot.role is Role.TRANSFORMER)
    return (model.tags.native_categoricals and encoder.tags.codes_categories
            and not feature_steps)


def _table_steps(genome: Genome, space: SearchSpace, spec: DataSpec,
                 context: BuildContext) -> list:
    """The table check and the column stage: imputation of numeric columns, encoding of
    categorical ones (first, where the model splits on their codes itself)."""
    numeric = list(spec.columns_of(ColumnKind.NUMERICAL))
    categorical = list(spec.columns_of(ColumnKind.CATEGORICAL))
    column_steps = []
    if numeric:
        imputer = (_build_block(space.slot(IMPUTER_SLOT), genome[IMPUTER_SLOT][0], context)
                   if IMPUTER_SLOT in genome else "passthrough")
        column_steps.append(("numeric", imputer, numeric))
    if categorical:
        encoder = _build_block(space.slot(ENCODER_SLOT), genome[ENCODER_SLOT][0], context)
        column_steps.append(("categorical", encoder, categorical))
        if context.categorical_features:
            column_steps.reverse()
    return [
        ("table", table_adapter(spec)),
        (COLUMNS_STEP, ColumnTransformer(column_steps, sparse_threshold=0.0,
                                      verbose_feature_names_out=False)),
    ]
