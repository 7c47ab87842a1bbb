"""Text: one document per row, as a list, array or Series of strings, validated at the API
boundary. The search sees a one-column table of kind ``text``; TF-IDF vectorizers and Keras
text networks (which vectorize inside the model) take that column."""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin

from automl.data._sources import TrainingData
from automl.data._spec import ColumnKind, DataSpec, Task
from automl.data._target import validate_target

#: The name of the one column a text input becomes.
TEXT_COLUMN = "text"


def text_array(x, *, argument: str = "x") -> np.ndarray:
    """``x`` as a 1-D object array of ``str``: one document per row."""
    if isinstance(x, str):
        raise TypeError(f"{argument} is a single string; pass a list (or array, Series) of "
                        f"documents, e.g. [{x[:20]!r}].")
    if isinstance(x, pd.DataFrame):
        if x.shape[1] != 1:
            raise ValueError(f"{argument} is a DataFrame with {x.shape[1]} columns; text takes "
                             "one column of documents: pass that column (x['text']).")
        x = x.iloc[:, 0]
    if not hasattr(x, "__len__"):
        raise TypeError(f"{argument} must be a list, array or Series of strings; received "
                        f"{type(x).__name__}.")
    documents = np.asarray(list(x) if isinstance(x, pd.Series) else x, dtype=object)
    if documents.ndim == 2 and documents.shape[1] == 1:
        documents = documents[:, 0]
    if documents.ndim != 1:
        raise ValueError(f"{argument} has shape {documents.shape}; text must be one string per "
                         "row: a list or a 1-D array.")
    if len(documents) == 0:
        raise ValueError(f"{argument} has no documents: pass at least one.")
    not_text = [i for i, value in enumerate(documents) if not isinstance(value, str)]
    if not_text:
        row = not_text[0]
        fix = ("decode bytes with .decode('utf-8')" if isinstance(documents[row], bytes)
               else "convert the rest with str()")
        raise ValueError(f"{argument} must hold strings, but row {row} is "
                         f"{documents[row]!r} ({type(documents[row]).__name__}); "
                         f"{len(not_text)} rows are not strings: replace missing documents "
                         f"with '' and {fix}.")
    return documents


def load_text_data(x, y, task: Task) -> TrainingData:
    """Validated documents (as a one-column table of kind ``text``) and targets."""
    documents = text_array(x)
    if not any(document.strip() for document in documents):
        raise ValueError("x holds only empty documents: there is no text to learn from.")
    target = validate_target(y, task, len(documents))
    spec = DataSpec(
        task=task,
        column_names=(TEXT_COLUMN,),
        column_kinds=(ColumnKind.TEXT,),
        n_rows=len(documents),
        classes=tuple(np.unique(target).tolist()) if task is Task.CLASSIFICATION else None,
    )
    return TrainingData(pd.DataFrame({TEXT_COLUMN: documents}), target, spec)


class TextColumn(TransformerMixin, BaseEstimator):
    """First step of a text pipeline: checks the documents and hands them on as a 1-D array
    (what TF-IDF and text networks take). Accepts lists, arrays, Series and one-column
    DataFrames, so the exported pipeline takes the documents themselves."""

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless

    def transform(self, X) -> np.ndarray:
        return text_array(X)
