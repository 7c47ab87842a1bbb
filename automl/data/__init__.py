"""Data layer: adapters for arrays, DataFrames and CSV files, column kinds, validation."""

from automl.data._images import ImageFlattener, image_array, load_image_data
from automl.data._rows import copied_records, duplicate_groups, row_hashes
from automl.data._sources import TrainingData, load_training_data, read_csv, with_groups
from automl.data._spec import ColumnKind, DataSpec, Task
from automl.data._table import (
    MISSING_CATEGORY,
    TableAdapter,
    coerce_table,
    infer_column_kinds,
    table_adapter,
)
from automl.data._target import validate_target
from automl.data._text import TEXT_COLUMN, TextColumn, load_text_data, text_array

__all__ = [
    "ImageFlattener",
    "MISSING_CATEGORY",
    "ColumnKind",
    "DataSpec",
    "TEXT_COLUMN",
    "TableAdapter",
    "TextColumn",
    "Task",
    "TrainingData",
    "coerce_table",
    "copied_records",
    "duplicate_groups",
    "image_array",
    "infer_column_kinds",
    "load_image_data",
    "load_text_data",
    "load_training_data",
    "read_csv",
    "row_hashes",
    "table_adapter",
    "with_groups",
    "text_array",
    "validate_target",
]
