"""Searches run unchanged on a Dask distributed cluster (a real local cluster of processes)."""

import distributed
import numpy as np
import pytest

from automl import StructuredDataClassifier


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       dashboard_address=None)
    with distributed.Client(cluster) as client:
        yield client
    cluster.close()


@pytest.mark.slow  # ~28 s on 2 cores; the default run stays under 10 minutes
def test_search_on_dask_matches_local_workers(client, mixed_table):
    x, y = mixed_table
    settings = {"max_trials": 8, "population_size": 4, "cv": 3, "seed": 0, "verbose": 0,
                "evolution": "generational"}
    on_dask = StructuredDataClassifier(scheduler=client, **settings).fit(x, y)
    local = StructuredDataClassifier(n_jobs=2, **settings).fit(x, y)
    assert [t.genome for t in on_dask.trials_] == [t.genome for t in local.trials_]
    np.testing.assert_allclose([t.score for t in on_dask.trials_],
                               [t.score for t in local.trials_])
    assert on_dask.predict(x).shape == (len(x),)


def test_scheduler_address(client, mixed_table):
    x, y = mixed_table
    model = StructuredDataClassifier(scheduler=client.scheduler.address, max_trials=4,
                                     population_size=4, cv=2, seed=0, verbose=0).fit(x, y)
    assert len(model.trials_) == 4
