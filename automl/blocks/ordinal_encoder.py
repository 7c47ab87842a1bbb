"""OrdinalEncoder: one integer column per categorical column."""

from sklearn.preprocessing import OrdinalEncoder as _OrdinalEncoder

from automl.graph import Block, Role, register_block


@register_block
class OrdinalEncoder(Block):
    """Codes each category as an integer (compact; suits tree models); unseen categories -> -1."""

    role = Role.ENCODER

    @classmethod
    def build(cls, params, context):
        return _OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1, **params)
