"""Several inputs and outputs in one Keras network: AutoModel's IO API, as in AutoKeras::

    model = automl.AutoModel(inputs=[automl.ImageInput(), automl.StructuredDataInput()],
                             outputs=[automl.ClassificationHead(), automl.RegressionHead()],
                             max_trials=10)
    model.fit([images, table], [labels, prices])
    labels_hat, prices_hat = model.predict([images, table])
    model.evaluate([images, table], [labels, prices])  # {output name: {metric: value}}
    keras_model = model.export_model()                  # preprocessing inside

Outputs are heads (blocks, not graph nodes), and each input gets its kind's default layers
(``DEFAULT_LAYERS``) merged into every head; or outputs are the nodes that heads return from
layer blocks the user wired (``automl.blocks.layers``). Either way the network is a graph of
layer blocks (``automl.blocks._multi_network``). The search is the usual evolution over a space
with one slot per layer (its hyperparameters, named after the layer) and one slot, ``model``,
for the heads' dropout and the training settings. A candidate is scored by k-fold
cross-validation (stratified on the first classification output, if any) on the mean over
outputs of each output's metric: by default balanced accuracy for classification and R² for
regression, or any scikit-learn scorer given as ``objective`` (one name for every output, or
``{output name: scorer name}``). Each output's own mean score is kept in the trial
(``Trial.output_scores``) and in the trial store. ``secondary_objectives`` (fit time,
prediction time, model size) join the score for NSGA-II selection as for pipelines.

``AutoModel`` hands over to this package when ``is_multi_io(inputs, outputs)``:
``search_network`` (``_search.py``) runs the search through a ``SearchSession`` and refits a
``MultiIOModel`` (``_model.py``), which predicts, evaluates and exports. ``_graph.py`` turns the
inputs and outputs into layer specs, ``_data.py`` validates the data at the boundary and
``_space.py`` holds the search space, the networks it describes and their cross-validation.
"""

from automl.fitting._multi_io._graph import is_multi_io
from automl.fitting._multi_io._model import MultiIOModel
from automl.fitting._multi_io._search import search_network

__all__ = ["MultiIOModel", "is_multi_io", "search_network"]
