"""OrdinalEncoder: one integer column per categorical column."""

from sklearn.preprocessing import OrdinalEncoder as _OrdinalEncoder

from automl.graph import Block, BlockTags, Role, register_block


@register_block
class OrdinalEncoder(Block):
    """Codes each category as an integer (compact; suits tree models); unseen categories -> -1."""

    role = Role.ENCODER
    tags = BlockTags(codes_categories=True)

    @classmethod
    def build(cls, params, context):
        if context.categorical_features:
            # The model splits on the codes: rare categories share one code, so no column
            # has more categories than a histogram has bins (255 in LightGBM and scikit-learn).
            params = {"max_categories": 255, **params}
        return _OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, **params)
