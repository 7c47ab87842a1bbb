"""Blocks that misbehave on purpose, for the fault tests, or report how they were run. Real
blocks, real estimators: they travel to real worker processes like any user-defined block."""

import os
import signal
import time

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin

from automl.graph import Block, BlockTags, Role, register_block


class _Misbehaving(ClassifierMixin, BaseEstimator):
    def __init__(self, how: str = "sleep"):
        self.how = how

    def fit(self, x, y):
        if self.how == "sleep":
            time.sleep(3600)
        elif self.how == "raise":
            raise RuntimeError("boom: this block always fails")
        elif self.how == "hog":
            hoard = np.ones(2**31 // 8 * 4)  # 4 GiB
            hoard.sum()
        elif self.how == "sigkill":
            os.kill(os.getpid(), signal.SIGKILL)
        elif self.how == "abort":  # as C++ code does on std::bad_alloc (TensorFlow)
            os.abort()
        return self

    def predict(self, x):
        return np.zeros(len(x))


@register_block
class SleepForever(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _Misbehaving("sleep")


@register_block
class Explode(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _Misbehaving("raise")


@register_block
class Hog(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _Misbehaving("hog")


@register_block
class KillWorker(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _Misbehaving("sigkill")


@register_block
class AbortWorker(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _Misbehaving("abort")


@register_block
class GpuModel(Block):
    """A model that asks for a GPU worker (as Keras blocks do); fits a real logistic model."""

    role = Role.MODEL
    tags = BlockTags(uses_gpu=True)

    @classmethod
    def build(cls, params, context):
        from sklearn.linear_model import LogisticRegression

        return LogisticRegression()


class _ThreadsSeen(ClassifierMixin, BaseEstimator):
    """Predicts the first class; remembers the most threads a BLAS or OpenMP pool had at fit."""

    def fit(self, x, y):
        from threadpoolctl import threadpool_info

        self.threads_ = max(pool["num_threads"] for pool in threadpool_info())
        self.classes_ = np.unique(y)
        return self

    def predict(self, x):
        return np.full(len(x), self.classes_[0])


@register_block
class ThreadsSeen(Block):
    role = Role.MODEL

    @classmethod
    def build(cls, params, context):
        return _ThreadsSeen()
