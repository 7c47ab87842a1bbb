"""TfidfVectorizer: documents to TF-IDF weighted word or character n-grams."""

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer as _TfidfVectorizer

from automl.graph import Block, BlockTags, Role, register_block
from automl.hyperparameters import Bool, Choice, Int


@register_block
class TfidfVectorizer(Block):
    """Turns each document into TF-IDF weights of its n-grams (a sparse matrix): words with
    n-grams up to ``word_ngrams``, or characters within word boundaries with n-grams from 2 to
    ``char_ngrams`` (robust to spelling variants); ``min_df`` drops rarer terms and
    ``max_features`` keeps the most frequent ones."""

    role = Role.VECTORIZER
    tags = BlockTags(needs_text=True)
    hyperparameters = {
        "analyzer": Choice(("word", "char_wb"), default="word"),
        "word_ngrams": Int(1, 3, default=2),
        "char_ngrams": Int(3, 6, default=5),
        "min_df": Choice((1, 2, 3, 5), default=1),
        "max_features": Choice((None, 10_000, 50_000, 200_000), default=None),
        "sublinear_tf": Bool(default=True),
    }

    @classmethod
    def build(cls, params, context):
        words = params["analyzer"] == "word"
        return _TfidfVectorizer(
            analyzer=params["analyzer"],
            ngram_range=(1, params["word_ngrams"]) if words else (2, params["char_ngrams"]),
            min_df=params["min_df"], max_features=params["max_features"],
            sublinear_tf=params["sublinear_tf"], dtype=np.float32,
        )
