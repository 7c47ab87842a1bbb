"""Heads: the end of a graph; each says which task its output solves."""

from __future__ import annotations

from typing import ClassVar

from automl.data import Task
from automl.graph._block import Block, Role


class Head(Block):
    role = Role.HEAD
    task: ClassVar[Task]


class ClassificationHead(Head):
    """Predicts class labels (and probabilities) of a single target."""

    task = Task.CLASSIFICATION


class RegressionHead(Head):
    """Predicts a single numeric target."""

    task = Task.REGRESSION
