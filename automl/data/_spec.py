"""What the search knows about the data: the task, the columns and their kinds, the classes."""

from __future__ import annotations

import enum
from dataclasses import dataclass


class Task(enum.Enum):
    CLASSIFICATION = "classification"
    REGRESSION = "regression"


class ColumnKind(enum.Enum):
    NUMERICAL = "numerical"
    CATEGORICAL = "categorical"
    TEXT = "text"


@dataclass(frozen=True)
class DataSpec:
    """A summary of validated training data; the only view of the data the search space needs.

    Attributes:
        task: classification or regression.
        column_names: feature columns, in the order the pipeline receives them.
        column_kinds: one kind per column.
        n_rows: number of training rows.
        classes: sorted class labels for classification, ``None`` for regression.
        has_missing: whether any feature value is missing.
        image_shape: (height, width, channels) when the columns are an image's pixels.
        ignored_columns: columns of ``x`` that fit read but not as features (``groups``,
            ``time_column``): dropped wherever ``x`` comes with them.
    """

    task: Task
    column_names: tuple[str, ...]
    column_kinds: tuple[ColumnKind, ...]
    n_rows: int
    classes: tuple | None = None
    has_missing: bool = False
    image_shape: tuple[int, ...] | None = None
    ignored_columns: tuple[str, ...] = ()

    @property
    def is_text(self) -> bool:
        return ColumnKind.TEXT in self.column_kinds

    def columns_of(self, kind: ColumnKind) -> tuple[str, ...]:
        return tuple(n for n, k in zip(self.column_names, self.column_kinds) if k is kind)

    @property
    def n_classes(self) -> int:
        return 0 if self.classes is None else len(self.classes)
