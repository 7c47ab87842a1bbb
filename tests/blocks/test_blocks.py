"""One contract test suite over every registered block: config round-trip, fixed-value
validation, and a default and a random build that fit and predict on tiny data."""

import numpy as np
import pytest
from sklearn.base import clone

import automl.blocks
from automl.data import Task, load_image_data, load_text_data, load_training_data
from automl.genome import Genome, default_gene, random_gene
from automl.graph import BuildContext, Role, registered_blocks
from automl.hyperparameters import Choice, Int
from automl.pipeline import build_pipeline
from automl.space import BlockOption, SearchSpace, Slot

#: The blocks automl ships: test-only blocks registered by other test modules (fault_blocks)
#: stay out, whatever order pytest collects in.
BLOCKS = sorted((name, cls) for name, cls in registered_blocks().items()
                if cls.__module__.startswith("automl.blocks."))


def tiny_data(task: Task, images: bool = False, text: bool = False):
    rng = np.random.default_rng(0)
    if text:  # text blocks get 40 short documents
        words = np.array(["cheap", "prize", "win", "now", "lunch", "see", "you", "later"])
        documents = [" ".join(rng.choice(words, 5)) for _ in range(40)]
        signal = np.array(["prize" in document for document in documents])
        y = signal.astype(int) if task is Task.CLASSIFICATION else signal * 3.0 + 1
        return load_text_data(documents, y, task)
    if images:  # blocks that need pixels get 40 tiny 4x4 images
        pixels = rng.uniform(size=(40, 4, 4))
        y = ((pixels[:, 0, 0] > 0.5).astype(int) if task is Task.CLASSIFICATION
             else pixels[:, 0, 0] * 3 + 1)
        return load_image_data(pixels, y, task)
    x = rng.normal(size=(40, 4))
    x[::5, 0] = np.nan
    frame = __import__("pandas").DataFrame(x, columns=list("abcd"))
    frame["kind"] = rng.choice(["u", "v", "w"], 40)
    y = (x[:, 1] > 0).astype(int) if task is Task.CLASSIFICATION else x[:, 1] * 3 + 1
    return load_training_data(frame, y, task)


def one_block_space(name: str, task: Task, choose) -> tuple[SearchSpace, Genome]:
    """A space where ``name`` fills its slot and defaults fill the others."""
    cls = registered_blocks()[name]
    hyperparameters = cls.hyperparameters_for(task)
    if "max_epochs" in hyperparameters:  # networks: one or two epochs keep the suite fast
        hyperparameters = {**hyperparameters, "max_epochs": Int(1, 2, default=1)}
    if "sequence_length" in hyperparameters:  # text networks: short documents anyway
        hyperparameters = {**hyperparameters, "sequence_length": Choice((8,))}
    option = BlockOption.of(name, hyperparameters)
    fillers = {
        Role.IMPUTER: "SimpleImputer", Role.ENCODER: "OrdinalEncoder",
        Role.VECTORIZER: "TfidfVectorizer",
        Role.MODEL: "HistGradientBoosting" if name != "HistGradientBoosting" else "RandomForest",
    }
    roles = ((Role.IMPUTER, "imputer"), (Role.ENCODER, "encoder"),
             (Role.TRANSFORMER, "preprocessing"), (Role.MODEL, "model"))
    if cls.tags.needs_text:
        roles = ((Role.VECTORIZER, "vectorizer"), (Role.MODEL, "model"))
        fillers[Role.MODEL] = ("LogisticRegression" if task is Task.CLASSIFICATION
                               else "ElasticNet")
    slots, genes = [], []
    for role, slot_name in roles:
        if cls.role is role:
            chosen = option
        elif role is Role.TRANSFORMER:
            continue
        else:
            filler = registered_blocks()[fillers[role]]
            chosen = BlockOption.of(fillers[role], filler.hyperparameters_for(task))
        slots.append(Slot(slot_name, role, (chosen,)))
        genes.append((slot_name, (choose(chosen),)))
    return SearchSpace(task, tuple(slots)), Genome(tuple(genes))


@pytest.mark.parametrize(("name", "cls"), BLOCKS)
def test_config_round_trip(name, cls):
    block = cls()
    assert type(cls.from_config(block.get_config())).__name__ == name
    assert cls.from_config(block.get_config()).get_config() == block.get_config()
    assert getattr(automl.blocks, name) is cls


@pytest.mark.parametrize(("name", "cls"), BLOCKS)
def test_fixed_values_are_validated(name, cls):
    for key, hp in cls.hyperparameters.items():
        block = cls(**{key: hp.default})
        assert block.fixed == {key: hp.default}
        pinned = [block.search_hyperparameters(task)[key] for task in cls.tags.tasks
                  if key in cls.hyperparameters_for(task)]
        assert pinned and all(hp.is_fixed for hp in pinned)
        with pytest.raises(ValueError, match=key):
            cls(**{key: object()})
    with pytest.raises(TypeError, match="unexpected argument 'no_such_parameter'"):
        cls(no_such_parameter=1)


#: ImageNet-size backbones trained from scratch: a fit takes minutes on a CPU even on tiny
#: images, so their fit contract runs with the slow tests; the default run builds each one
#: from random values (test_backbones_build_from_random_values).
BACKBONES = {"ResNetNetwork", "XceptionNetwork", "EfficientNetNetwork"}
#: Recurrent layers trace slowly on a CPU (~16 s a case with random values, up to three
#: bidirectional layers): with the slow tests too; the default run builds RNNBlock
#: (test_wired_networks) and fits the convolutional text network.
SLOW_RANDOM = {"TextRNNNetwork"}


def _contract_cases():
    """Every block x task x (default, random) values. For Keras networks the default values
    run with the slow tests (the random ones cover the frozen space; the defaults are fitted
    by the search tests), for backbones both do."""
    for name, cls in BLOCKS:
        for task in Task:
            if task not in cls.tags.tasks:
                continue
            for values in ("default", "random"):
                slow = (name in BACKBONES or (cls.tags.keras_network and values == "default")
                        or name in SLOW_RANDOM)
                yield pytest.param(name, cls, task, values,
                                   marks=[pytest.mark.slow] if slow else [])


@pytest.mark.parametrize(("name", "cls", "task", "values"), list(_contract_cases()),
                         ids=lambda value: value.value if isinstance(value, Task) else str(value))
def test_builds_fit_and_predict(name, cls, task, values):
    rng = np.random.default_rng(1)
    choose = default_gene if values == "default" else (lambda option: random_gene(option, rng))
    space, genome = one_block_space(name, task, choose)
    data = tiny_data(task, images=cls.tags.needs_images, text=cls.tags.needs_text)
    pipeline = build_pipeline(genome, space, data.spec, seed=0)
    network = cls.tags.keras_network  # Keras networks: one fit (each costs seconds even on tiny data)
    if not network:
        clone(pipeline).fit(data.x, data.y)
    predictions = pipeline.fit(data.x, data.y).predict(data.x)
    assert predictions.shape == (len(data.y),)
    if task is Task.CLASSIFICATION:
        final = pipeline if network else build_pipeline(
            genome, space, data.spec, seed=0, final=True).fit(data.x, data.y)
        probabilities = final.predict_proba(data.x)
        np.testing.assert_allclose(probabilities.sum(axis=1), 1.0, rtol=1e-6)


@pytest.mark.parametrize("name", sorted(BACKBONES & set(registered_blocks())))
def test_backbones_build_from_random_values(name):
    """The Keras model of a backbone block, from random values of its frozen space (the
    smallest version: the larger ones only add layers)."""
    cls = registered_blocks()[name]
    rng = np.random.default_rng(0)
    hyperparameters = dict(cls.hyperparameters)
    if "version" in hyperparameters:
        hyperparameters["version"] = hyperparameters["version"].fixed(
            hyperparameters["version"].default)
    option = BlockOption.of(name, hyperparameters)
    gene = random_gene(option, rng)
    data = tiny_data(Task.CLASSIFICATION, images=True)
    network = cls.build(gene.values, BuildContext(Task.CLASSIFICATION, 0,
                                                   input_shape=data.spec.image_shape))
    model = network._network(data.x.to_numpy("float32"), 2)
    assert model.output_shape == (None, 2)
    assert model.count_params() > 1_000_000


def _pipeline_with(space: SearchSpace, data, model: str, steps: tuple[str, ...] = ()):
    """``model`` after an OrdinalEncoder (and ``steps``), other slots at their defaults."""
    genes = []
    for slot in space.slots:
        if slot.is_sequence:
            genes.append((slot.name, tuple(default_gene(slot.option(step)) for step in steps)))
        else:
            chosen = {"model": model, "encoder": "OrdinalEncoder"}.get(slot.name)
            option = slot.option(chosen) if chosen else slot.options[0]
            genes.append((slot.name, (default_gene(option),)))
    return build_pipeline(Genome(tuple(genes)), space, data.spec, seed=0)


@pytest.mark.parametrize("model", ["LightGBM", "HistGradientBoosting"])
def test_boosting_splits_on_category_codes_itself(model):
    """Right after an OrdinalEncoder, LightGBM and HistGradientBoosting get the categorical
    columns first and their positions; a category never seen in training predicts (as
    missing); a feature step in between hands them plain numbers."""
    import pandas as pd

    from automl import ClassificationHead, StructuredDataBlock, StructuredDataInput
    from automl.graph import Graph
    from automl.space import build_space

    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"number": rng.normal(size=300),
                          "colour": rng.choice(list("pqrstu"), 300)})
    y = frame["colour"].isin(["p", "s", "u"]).astype(int).to_numpy()  # no order explains it
    data = load_training_data(frame, y, Task.CLASSIFICATION)
    inp = StructuredDataInput()
    graph = Graph(inp, ClassificationHead()(StructuredDataBlock(models=[model])(inp)))
    space = build_space(graph, data.spec)

    pipeline = _pipeline_with(space, data, model).fit(data.x, data.y)
    assert list(pipeline.named_steps["columns"].get_feature_names_out()) == ["colour", "number"]
    estimator = pipeline.named_steps["model"]
    positions = (estimator.categorical_features if model == "HistGradientBoosting"
                 else estimator.get_params()["categorical_column"])
    assert list(positions) == [0]
    unseen = frame.head(3).assign(colour="never seen")
    assert pipeline.predict(unseen).shape == (3,)
    assert pipeline.score(data.x, data.y) == 1.0

    scaled = _pipeline_with(space, data, model, steps=("StandardScaler",))
    assert [name for name, _, _ in scaled.named_steps["columns"].transformers] == [
        "numeric", "categorical"]
    assert "categorical_column" not in scaled.named_steps["model"].get_params()
    assert getattr(scaled.named_steps["model"], "categorical_features", None) is None


def test_hist_gradient_boosting_bins_on_unweighted_quantiles_under_class_weights():
    # scikit-learn's weighted binning sorts each column 254 times (0.1-0.4 s a column a fit);
    # the class weights must still weigh the gradients.
    from sklearn.datasets import make_classification
    from sklearn.ensemble import HistGradientBoostingClassifier as ScikitLearns

    from automl.blocks.hist_gradient_boosting import HistGradientBoostingClassifier

    x, y = make_classification(400, 4, weights=[0.85], random_state=0)
    balanced = HistGradientBoostingClassifier(class_weight="balanced", max_iter=10,
                                              random_state=0).fit(x, y)
    plain = ScikitLearns(max_iter=10, random_state=0).fit(x, y)
    for ours, unweighted in zip(balanced._bin_mapper.bin_thresholds_,
                                plain._bin_mapper.bin_thresholds_):
        np.testing.assert_array_equal(ours, unweighted)
    assert balanced.predict(x).mean() > plain.predict(x).mean()  # the rare class weighs more
