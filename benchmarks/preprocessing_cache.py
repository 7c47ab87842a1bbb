"""What caching the column stage (table checks, imputation, encoding) per fold saves.

    python benchmarks/preprocessing_cache.py --candidates 60

The same candidates (every model's defaults, then a seeded random sample of the default
space) are cross-validated in this process with and without the cache; prints the time of
each run, the ratio, and checks that every fold score is identical.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from automl.blocks import StructuredDataBlock
from automl.data import Task, load_training_data
from automl.evaluation import CrossValidation, make_folds
from automl.genome import default_genomes, sample_genome
from automl.graph import ClassificationHead, Graph, StructuredDataInput
from automl.space import build_space

from _datasets import load_split


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--candidates", type=int, default=60)
    parser.add_argument("--datasets", nargs="*", default=["breast_cancer", "digits"])
    args = parser.parse_args()
    for name in args.datasets:
        split = load_split(name)
        data = load_training_data(split.x_train, split.y_train, Task.CLASSIFICATION)
        inp = StructuredDataInput()
        space = build_space(Graph(inp, ClassificationHead()(StructuredDataBlock()(inp))),
                            data.spec)
        rng = np.random.default_rng(0)
        genomes = default_genomes(space)
        while len(genomes) < args.candidates:
            genomes.append(sample_genome(space, rng))
        folds = make_folds(data, 5, 0)
        seconds, scores = {}, {}
        for cache in (False, True):
            evaluate = CrossValidation(data, space, folds, "balanced_accuracy", 0,
                                       cache_preprocessing=cache)
            tic = time.perf_counter()
            scores[cache] = [evaluate(genome).fold_scores for genome in genomes]
            seconds[cache] = time.perf_counter() - tic
        print(f"{name}: {len(genomes)} candidates x 5 folds: {seconds[False]:.1f} s without the "
              f"cache, {seconds[True]:.1f} s with it ({seconds[False] / seconds[True]:.2f}x); "
              f"identical scores: {scores[False] == scores[True]}", flush=True)


if __name__ == "__main__":
    main()
