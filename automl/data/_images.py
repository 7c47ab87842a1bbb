"""Images: arrays of shape (N, H, W) or (N, H, W, C), validated at the API boundary and
flattened to one numeric column per pixel and channel, so every table block applies and a
convolutional network can reshape them back (``DataSpec.image_shape``)."""

from __future__ import annotations

import dataclasses

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin

from automl.data._sources import TrainingData, load_training_data
from automl.data._spec import Task


def image_array(x, *, argument: str = "x", shape: tuple[int, ...] | None = None) -> np.ndarray:
    """``x`` as a float32 array of shape (N, H, W, C); ``shape`` (H, W, C) is what fit saw."""
    if isinstance(x, str) or not hasattr(x, "__len__"):
        raise TypeError(f"{argument} must be an array of images of shape (N, H, W) or "
                        f"(N, H, W, C); received {type(x).__name__}.")
    try:
        images = np.asarray(x)
    except ValueError:
        raise ValueError(f"{argument} holds images of different shapes: resize them to one "
                         "height and width first.") from None
    if images.dtype == object or not np.issubdtype(images.dtype, np.number):
        raise ValueError(f"{argument} must hold numbers (pixel values); its dtype is "
                         f"{images.dtype}.")
    given = images.shape
    if images.ndim == 3:
        images = images[..., np.newaxis]
    if images.ndim != 4:
        raise ValueError(f"{argument} has shape {images.shape}; images must be (N, H, W) or "
                         "(N, H, W, C): reshape them, e.g. x.reshape(-1, 28, 28).")
    if len(images) == 0:
        raise ValueError(f"{argument} has no images: pass at least one.")
    images = images.astype("float32", copy=False)
    if not np.isfinite(images).all():
        raise ValueError(f"{argument} contains NaN or infinite pixel values: replace them "
                         "(e.g. np.nan_to_num) first.")
    if shape is not None and given in (tuple(shape), tuple(shape)[:2]):
        raise ValueError(f"{argument} has the shape of one image {given}, but a "
                         f"batch of images is expected: pass {argument}[np.newaxis].")
    if shape is not None and images.shape[1:] != tuple(shape):
        raise ValueError(f"{argument} has images of shape {images.shape[1:]}, but the model was "
                         f"fitted on {tuple(shape)}: resize them to match.")
    return images


def load_image_data(x, y, task: Task) -> TrainingData:
    """Validated images (flattened) and targets, with the image shape in the spec."""
    images = image_array(x)
    flat = images.reshape(len(images), -1)
    names = [f"pixel_{i}" for i in range(flat.shape[1])]
    data = load_training_data(flat, y, task, column_names=names)
    spec = dataclasses.replace(data.spec, image_shape=images.shape[1:])
    return dataclasses.replace(data, spec=spec)


class ImageFlattener(TransformerMixin, BaseEstimator):
    """First step of an exported image pipeline: checks images against the fitted shape and
    flattens them into the pixel columns the rest of the pipeline takes."""

    def __init__(self, image_shape: tuple[int, ...] = ()):
        self.image_shape = image_shape

    def fit(self, X, y=None):
        return self

    def transform(self, X) -> np.ndarray:
        images = image_array(X, shape=tuple(self.image_shape))
        return images.reshape(len(images), -1)
