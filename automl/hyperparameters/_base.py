"""Hyperparameter declarations: one declaration validates a value a user fixes, defines the
search range, samples, perturbs and narrows."""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np


class Hyperparameter(ABC):
    """A searchable value. Subclasses are frozen dataclasses, so spaces are hashable data."""

    default: Hashable

    @abstractmethod
    def contains(self, value) -> bool:
        """Whether ``value`` lies in this range."""

    @abstractmethod
    def sample(self, rng: np.random.Generator) -> Hashable:
        """A value drawn from the range."""

    @abstractmethod
    def perturb(self, value, rng: np.random.Generator) -> Hashable:
        """A value near ``value`` (a neighbour for mutation), inside the range."""

    @abstractmethod
    def grid(self, points: int) -> tuple:
        """About ``points`` values spread over the range (its default among them), in
        increasing order: the axis of a grid search."""

    def unit(self, value) -> float:
        """``value``'s place in the range, in ``[0, 1]`` (on the log scale where the range is
        log-scaled; a choice's options equally spaced in their order): a search's surrogate
        model reads genomes through it."""
        raise NotImplementedError(f"{type(self).__name__} does not place values in [0, 1].")

    @abstractmethod
    def narrow(self, spec) -> Hyperparameter:
        """A sub-range from a preset entry: ``[low, high]`` for numbers, a list of options."""

    @property
    def is_fixed(self) -> bool:
        return False

    def fixed(self, value) -> Fixed:
        """This hyperparameter pinned to ``value``, after checking that it is allowed."""
        return Fixed(self.validate(value))

    def validate(self, value, name: str = "value"):
        """Checks a value a user fixes. Numbers may lie outside the search range (the range
        is where searching pays off, not a limit on what is valid); options may not."""
        if not self.accepts(value):
            raise ValueError(f"{name} must be {self.describe()}; received {value!r}.")
        return self._normalise(value)

    def accepts(self, value) -> bool:
        return self.contains(value)

    def _normalise(self, value):
        return value

    @abstractmethod
    def describe(self) -> str:
        """The range in words, for error messages."""


def _is_number(value) -> bool:
    return isinstance(value, int | float | np.integer | np.floating) and not isinstance(value, bool)


def _check_bounds(low, high, log):
    if not low <= high:
        raise ValueError(f"low ({low!r}) must not exceed high ({high!r}).")
    if log and low <= 0:
        raise ValueError(f"a log-scale range needs low > 0; received low={low!r}.")


def _round(value: float) -> float:
    """Four significant digits: a finer value rarely changes a model, and a coarser grid makes
    equal genomes (and so de-duplication) far more common."""
    return float(f"{value:.4g}")


@dataclass(frozen=True)
class Float(Hyperparameter):
    low: float
    high: float
    log: bool = False
    default: float | None = None

    def __post_init__(self):
        _check_bounds(self.low, self.high, self.log)
        if self.default is None:
            middle = math.sqrt(self.low * self.high) if self.log else (self.low + self.high) / 2
            object.__setattr__(self, "default", _round(middle))
        elif not self.low <= self.default <= self.high:
            raise ValueError(f"default {self.default!r} lies outside [{self.low}, {self.high}].")

    def contains(self, value) -> bool:
        return _is_number(value) and self.low <= value <= self.high

    def _normalise(self, value):
        return float(value)

    def accepts(self, value) -> bool:
        return _is_number(value) and (value > 0 or not self.log)

    def _to_unit(self, value: float) -> float:
        if self.high == self.low:
            return 0.0
        if self.log:
            return (math.log(value) - math.log(self.low)) / (math.log(self.high) - math.log(self.low))
        return (value - self.low) / (self.high - self.low)

    def _from_unit(self, unit: float) -> float:
        unit = min(max(unit, 0.0), 1.0)
        if self.log:
            value = math.exp(math.log(self.low) + unit * (math.log(self.high) - math.log(self.low)))
        else:
            value = self.low + unit * (self.high - self.low)
        return min(max(_round(value), self.low), self.high)

    def unit(self, value) -> float:
        return min(max(self._to_unit(float(value)), 0.0), 1.0)

    def sample(self, rng):
        return self._from_unit(float(rng.random()))

    def perturb(self, value, rng):
        return self._from_unit(self._to_unit(value) + float(rng.normal(0.0, 0.15)))

    def _spread(self, points: int) -> set:
        return {self._from_unit(i / max(points - 1, 1)) for i in range(points)}

    def grid(self, points: int) -> tuple:
        return tuple(sorted(self._spread(points) | {self.default}))

    def narrow(self, spec) -> Float:
        low, high = _pair(spec, self)
        default = min(max(self.default, low), high)
        return Float(float(low), float(high), self.log, default)

    def describe(self) -> str:
        return "a positive number" if self.log else "a number"


@dataclass(frozen=True)
class Int(Hyperparameter):
    low: int
    high: int
    log: bool = False
    default: int | None = None

    def __post_init__(self):
        _check_bounds(self.low, self.high, self.log)
        if self.default is None:
            middle = math.sqrt(self.low * self.high) if self.log else (self.low + self.high) / 2
            object.__setattr__(self, "default", int(round(middle)))
        elif not self.low <= self.default <= self.high:
            raise ValueError(f"default {self.default!r} lies outside [{self.low}, {self.high}].")

    def contains(self, value) -> bool:
        return (
            isinstance(value, int | np.integer)
            and not isinstance(value, bool)
            and self.low <= value <= self.high
        )

    def _normalise(self, value):
        return int(value)

    def accepts(self, value) -> bool:
        return isinstance(value, int | np.integer) and not isinstance(value, bool) and (
            value > 0 or not self.log)

    def _as_float(self) -> Float:
        return Float(self.low - 0.499, self.high + 0.499, False) if not self.log else Float(
            max(self.low - 0.499, 0.5), self.high + 0.499, True
        )

    def unit(self, value) -> float:
        return self._as_float().unit(value)

    def sample(self, rng):
        return self._clip(round(self._as_float().sample(rng)))

    def perturb(self, value, rng):
        candidate = self._clip(round(self._as_float().perturb(float(value), rng)))
        if candidate == value and self.low < self.high:  # always move at least one step
            step = 1 if (rng.random() < 0.5 and value < self.high) or value == self.low else -1
            candidate = value + step
        return candidate

    def _clip(self, value) -> int:
        return int(min(max(value, self.low), self.high))

    def grid(self, points: int) -> tuple:
        spread = {self._clip(round(value)) for value in self._as_float()._spread(points)}
        return tuple(sorted(spread | {self.default}))

    def narrow(self, spec) -> Int:
        low, high = _pair(spec, self)
        return Int(int(low), int(high), self.log, self._clip(min(max(self.default, low), high)))

    def describe(self) -> str:
        return "a positive integer" if self.log else "an integer"


_FIRST_OPTION = "<first option>"


@dataclass(frozen=True)
class Choice(Hyperparameter):
    options: tuple
    default: Hashable = _FIRST_OPTION

    def __post_init__(self):
        if not self.options:
            raise ValueError("a Choice needs at least one option.")
        object.__setattr__(self, "options", tuple(self.options))
        if self.default is _FIRST_OPTION:
            object.__setattr__(self, "default", self.options[0])
        elif not self.contains(self.default):
            raise ValueError(f"default {self.default!r} is not one of {self.options!r}.")

    def contains(self, value) -> bool:
        return any(value == option and type(value) is type(option) for option in self.options)

    def unit(self, value) -> float:
        for index, option in enumerate(self.options):
            if value == option and type(value) is type(option):
                return index / max(len(self.options) - 1, 1)
        raise ValueError(f"{value!r} is not one of {self.options!r}.")

    def sample(self, rng):
        return self.options[int(rng.integers(len(self.options)))]

    def perturb(self, value, rng):
        others = [option for option in self.options if option != value]
        return others[int(rng.integers(len(others)))] if others else value

    def grid(self, points: int) -> tuple:
        return self.options  # every option, however many points

    def narrow(self, spec) -> Choice:
        if not isinstance(spec, Sequence) or isinstance(spec, str):
            raise ValueError(f"expected a list of options from {list(self.options)!r}; "
                             f"received {spec!r}.")
        unknown = [value for value in spec if not self.contains(value)]
        if unknown:
            raise ValueError(f"{unknown[0]!r} is not an option; the options are "
                             f"{list(self.options)!r}.")
        default = self.default if self.default in spec else spec[0]
        return Choice(tuple(spec), default)

    def describe(self) -> str:
        return "one of " + ", ".join(repr(o) for o in self.options)


def Bool(default: bool = False) -> Choice:  # noqa: N802 - reads like the other declarations
    """A yes/no hyperparameter."""
    return Choice((False, True), default)


@dataclass(frozen=True)
class Fixed(Hyperparameter):
    """A value the user pinned; it takes part in no search."""

    value: Hashable

    @property
    def default(self):
        return self.value

    @property
    def is_fixed(self) -> bool:
        return True

    def contains(self, value) -> bool:
        return value == self.value

    def unit(self, value) -> float:
        return 0.0

    def sample(self, rng):
        return self.value

    def perturb(self, value, rng):
        return self.value

    def grid(self, points: int) -> tuple:
        return (self.value,)

    def narrow(self, spec) -> Fixed:
        return self

    def describe(self) -> str:
        return f"{self.value!r} (fixed)"


def _pair(spec, hyperparameter) -> tuple:
    if (
        not isinstance(spec, Sequence)
        or len(spec) != 2
        or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in spec)
    ):
        raise ValueError(f"expected [low, high]; received {spec!r}.")
    low, high = spec
    if not (hyperparameter.low <= low <= high <= hyperparameter.high):
        raise ValueError(
            f"[{low}, {high}] must lie inside [{hyperparameter.low}, {hyperparameter.high}]."
        )
    return low, high
