"""The model-based strategy: the evolution's offspring, ranked by a surrogate model of the
score before any is evaluated (SMAC's random-forest surrogate, Hutter et al. 2011, with
expected improvement per expected second as in Snoek et al. 2012)."""

from __future__ import annotations

import math

import numpy as np
from scipy.stats import norm
from sklearn.ensemble import RandomForestRegressor

from automl.evaluation import Status, Trial
from automl.genome import Genome, GenomeEncoder, fits_its_model
from automl.search._evolution import Evolution
from automl.space import SearchSpace

#: Candidates the surrogate ranks per genome proposed.
POOL_FACTOR = 16
#: Share of the ranked candidates drawn at random from the whole space, not bred.
RANDOM_SHARE = 0.25
#: Share of the proposals taken as the evolution breeds them, unranked: they keep the
#: search exploring where the surrogate is wrong (SMAC interleaves random ones likewise).
UNRANKED_SHARE = 0.2
#: Trees of each surrogate forest.
TREES = 24
#: The surrogate is fitted again once the trials have grown by this share since its last fit
#: (and by one trial at least): a steady-state search asks after every trial.
REFIT_GROWTH = 0.1


def expected_improvement(mean: np.ndarray, spread: np.ndarray, best: float) -> np.ndarray:
    """E[max(score - best, 0)] for a normal score of ``mean`` and ``spread`` (maximising)."""
    spread = np.maximum(spread, 1e-12)
    z = (mean - best) / spread
    return (mean - best) * norm.cdf(z) + spread * norm.pdf(z)


def trial_seconds(trial: Trial) -> float:
    """What the trial took: its fits and predictions, or its wall time when that is more
    (a trial stopped by its time limit records no fit time)."""
    return max(trial.fit_seconds + trial.predict_seconds, trial.finished_at - trial.started_at,
               1e-3)


def _seconds(trials: list[Trial]) -> np.ndarray:
    """Each trial's seconds, a failed one's at least the longest success's: a failure often
    records only part of its time (the folds before it, or none), and a candidate that
    crashed or ran out of time or memory is no cheap bet. A screened one took what it took."""
    longest = max((trial_seconds(trial) for trial in trials if trial.ok), default=1e-3)
    return np.array([trial_seconds(trial) if trial.ok or trial.status is Status.SCREENED
                     else max(trial_seconds(trial), longest) for trial in trials])


class Surrogate:
    """Two random forests over encoded genomes: one of the score (its trees' spread the
    uncertainty), one of the log seconds a trial takes. A failed trial counts as the worst
    score seen, so the surrogate learns to avoid what crashes or runs out of time."""

    def __init__(self, encoder: GenomeEncoder, trials: list[Trial], seed: int):
        scored = [trial for trial in trials if trial.ok and math.isfinite(trial.score)]
        worst = min(trial.score for trial in scored)
        self.encoder = encoder
        features = encoder.encode([trial.genome for trial in trials])
        scores = [trial.score if trial.ok and math.isfinite(trial.score) else worst
                  for trial in trials]
        seconds = _seconds(trials)
        self.score_forest = _forest(seed).fit(features, scores)
        self.seconds_forest = _forest(seed).fit(features, np.log(seconds))
        # Below this a candidate's predicted cost is noise: it no longer divides its merit.
        self.floor = float(np.quantile([trial_seconds(trial) for trial in scored], 0.1))

    def acquisition(self, genomes: list[Genome], best: float) -> np.ndarray:
        """Expected improvement over ``best`` (the best score so far), per expected second."""
        features = self.encoder.encode(genomes)
        per_tree = _per_tree(self.score_forest, features)
        improvement = expected_improvement(per_tree.mean(axis=0), per_tree.std(axis=0), best)
        seconds = np.exp(_per_tree(self.seconds_forest, features).mean(axis=0))
        return improvement / np.maximum(seconds, self.floor)


def _per_tree(forest: RandomForestRegressor, features: np.ndarray) -> np.ndarray:
    """Each tree's predictions, (trees, rows): through the fitted trees' own arrays, since
    ``predict``'s input checks cost more than the prediction on a few rows (a steady-state
    search asks after every trial)."""
    features = np.ascontiguousarray(features, dtype=np.float32)
    return np.stack([tree.tree_.predict(features).reshape(len(features), -1)[:, 0]
                     for tree in forest.estimators_])


def _forest(seed: int) -> RandomForestRegressor:
    return RandomForestRegressor(n_estimators=TREES, min_samples_leaf=2, max_features=0.8,
                                 random_state=seed)


class BayesianSearch(Evolution):
    """The evolution, with a surrogate choosing which offspring are evaluated.

    The first generation is the evolution's (every model's default pipeline, the portfolio,
    random genomes). Afterwards, for every genome asked for, ``pool_factor`` candidates are
    made — children of tournament-selected parents (crossover, mutation) and, a
    ``random_share`` of them, random genomes — and the one with the highest expected
    improvement per expected second is evaluated; an ``unranked_share`` of the proposals
    are the evolution's children taken as they are. Survivors are chosen as in the evolution.

    Args:
        space: the search space.
        rng: the only source of randomness.
        population_size: survivors kept, and the first generation's size (at least).
        pool_factor: candidates ranked per genome proposed.
        random_share: share of the ranked candidates drawn at random from the space.
        unranked_share: share of the proposals bred and taken without ranking.
        **evolution: the other arguments of ``Evolution``.
    """

    def __init__(self, space: SearchSpace, rng: np.random.Generator, *,
                 population_size: int = 20, pool_factor: int = POOL_FACTOR,
                 random_share: float = RANDOM_SHARE, unranked_share: float = UNRANKED_SHARE,
                 **evolution):
        super().__init__(space, rng, population_size=population_size, **evolution)
        self.encoder = GenomeEncoder(space)
        self.pool_factor = pool_factor
        self.random_share = random_share
        self.unranked_share = unranked_share
        self.observed: list[Trial] = []
        self._surrogate: Surrogate | None = None
        self._fitted_on = 0
        self._best = -math.inf  # the best score told, newer than the surrogate's trials

    def tell(self, trials):
        super().tell(trials)
        self.observed.extend(trials)
        scores = [trial.score for trial in trials if trial.ok and math.isfinite(trial.score)]
        self._best = max([self._best, *scores])

    def ask(self, n, is_new):
        surrogate = None if self._initial_left > 0 else self._current_surrogate()
        if surrogate is None:
            return super().ask(n, is_new)
        batch: list[Genome] = []

        def usable(genome: Genome) -> bool:
            return is_new(genome) and fits_its_model(genome, self.space) and genome not in batch

        for _ in range(n):
            if self.rng.random() < self.unranked_share:
                pool = self._candidates(1, 0.0, usable)
                if pool:
                    batch.append(pool[0])
                    continue
            pool = self._candidates(self.pool_factor, self.random_share, usable)
            if pool:
                batch.append(pool[int(np.argmax(surrogate.acquisition(pool, self._best)))])
        if len(batch) < n:  # nothing new nearby: the evolution looks further
            batch += super().ask(n - len(batch), lambda genome: is_new(genome)
                                 and genome not in batch)
        return batch

    def _candidates(self, size: int, random_share: float, usable) -> list[Genome]:
        """Up to ``size`` distinct usable genomes: bred, and a ``random_share`` random."""
        pool: list[Genome] = []
        random_count = int(round(size * random_share))
        for _ in range(20 * size):
            if len(pool) >= size:
                break
            made = ([self.toolbox.sample()] if len(pool) < random_count or not self.population
                    else self._breed())
            pool.extend(dict.fromkeys(g for g in made if usable(g) and g not in pool))
        return pool[:size]

    def _current_surrogate(self) -> Surrogate | None:
        """The surrogate of the trials so far, fitted again when they have grown enough;
        ``None`` before two trials have succeeded with different scores."""
        told = len(self.observed)
        if self._surrogate is not None and told - self._fitted_on < max(
                1, REFIT_GROWTH * self._fitted_on):
            return self._surrogate
        scores = {trial.score for trial in self.observed
                  if trial.ok and math.isfinite(trial.score)}
        if len(scores) < 2:
            return None
        self._surrogate = Surrogate(self.encoder, self.observed,
                                    seed=int(self.rng.integers(2**31)))
        self._fitted_on = told
        return self._surrogate
