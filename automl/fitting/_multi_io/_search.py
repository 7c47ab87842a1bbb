"""``AutoModel.fit`` for several inputs or outputs: validate, search the networks through a
``SearchSession``, refit the best on all rows."""

from __future__ import annotations

import dataclasses

from automl.data import Task
from automl.evaluation import fold_indices
from automl.fitting._multi_io._data import prepare_training_data
from automl.fitting._multi_io._graph import (
    NETWORK_SLOT,
    _layer_specs,
    _unique_names,
    network_graph,
)
from automl.fitting._multi_io._model import MultiIOModel
from automl.fitting._multi_io._space import (
    OBJECTIVE,
    MultiIOCrossValidation,
    multi_io_space,
    network_for,
    output_metrics,
)
from automl.fitting._session import SearchOutcome, SearchSession
from automl.fitting._settings import SearchSettings
from automl.runtime import deadline_scope


def search_network(settings: SearchSettings, inputs, outputs, x, y, epochs: int | None,
                   started: float) -> SearchOutcome:
    """Searches the networks from ``inputs`` to ``outputs`` (an ``AutoModel``'s, with several
    inputs or outputs, or layers wired by hand; see the package docstring) and refits the
    best on all rows.

    Args:
        settings: the fit's ``SearchSettings``: its budgets, ``cv``, ``n_jobs``,
            ``scheduler``, ``seed``, ``population_size``, ``strategy``, ``evolution``,
            ``verbose``, and project folder (every trial stored, resumed by a later fit on the
            same data) and ``mlflow`` work as for pipelines; ``objective`` is one scorer name
            for every output or ``{output name: scorer name}``.
        inputs, outputs: the ``AutoModel``'s.
        x: a list with one entry per input, in order: a table (DataFrame, 2-D array, CSV path),
            images ((N, H, W) or (N, H, W, C)) or documents (strings).
        y: a list with one target per output, in order.
        epochs: fixes every network's maximum number of epochs (``None``: searched).
        started: ``time.monotonic()`` when ``fit`` began.
    """
    if settings.meta_store is not None:
        raise ValueError("meta_store= warm-starts searches of one input and one output; this "
                         "AutoModel has several (or layers wired by hand): pass "
                         "meta_store=None.")
    if settings.screening is True:
        raise ValueError("screening= screens the pipelines of one input and one output; this "
                         "AutoModel has several (or layers wired by hand): pass "
                         "screening=False or \"auto\" (the default).")
    graph, input_names = network_graph(inputs, outputs)
    heads = [output.producer for output in graph.outputs]
    output_names = _unique_names([head.name for head in heads], {*input_names, NETWORK_SLOT})
    data = prepare_training_data(graph.inputs, input_names, heads, output_names, x, y)
    columns = {key for spec in data.inputs for key in spec.keys}
    layers, layer_slots, names = _layer_specs(graph, input_names, {*columns, *output_names},
                                              data.outputs[0].task)
    data = dataclasses.replace(data, layers=tuple(layers), outputs=tuple(
        dataclasses.replace(spec, parent=names[id(output.parents[0])])
        for spec, output in zip(data.outputs, graph.outputs)))
    settings.check_rows(data.n_rows)
    scorer_names = output_metrics(settings.objective, data.outputs, data.y)
    secondary = settings.secondary_objectives
    space = multi_io_space(layer_slots, data.outputs[0].task, epochs)
    resumable = settings.resumable("+".join(spec.task.value for spec in data.outputs),
                                   OBJECTIVE, data, space, None,
                                   output_metrics=dict(zip(output_names, scorer_names)))

    labels = [y for spec, y in zip(data.outputs, data.y) if spec.task is Task.CLASSIFICATION]

    def cross_validation(seed: int) -> MultiIOCrossValidation:
        # Stratified on the first classification output: every validation fold then has each
        # of its classes (where there are enough rows), as metrics like log loss need.
        folds = fold_indices(labels[0] if labels else data.y[0], settings.cv, seed,
                             stratify=bool(labels))
        return MultiIOCrossValidation(data, folds[:settings.network_folds], seed, scorer_names,
                                      secondary)

    with SearchSession(settings, space, OBJECTIVE, resumable, started) as session:
        best = session.run(cross_validation, what="candidate networks").best
        network = network_for(best.genome, data, session.seed)
        with deadline_scope(session.refit_deadline(best)):
            network.fit(list(data.x), list(data.y))
        per_output = ", ".join(f"{name} {metric} {score:.4f}" for (name, score), metric
                               in zip(best.output_scores, scorer_names))
        return session.finish(MultiIOModel(data.inputs, data.outputs, network, scorer_names),
                              f"best network: CV {OBJECTIVE} {best.score:.4f}"
                              + (f" ({per_output})" if per_output else ""))
