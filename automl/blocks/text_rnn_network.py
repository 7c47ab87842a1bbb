"""TextRNNNetwork: a recurrent Keras network on raw text (AutoKeras's Embedding, RNNBlock,
TemporalReduction and DenseBlock)."""

from automl.blocks.dense_network import DENSE_BLOCK_SPACE
from automl.blocks.text_network import EMBEDDING_SPACE, TextNetwork, text_network_space
from automl.graph import Role, register_block

#: AutoKeras 3.0's RNNBlock (``return_sequences=True``) and TemporalReduction spaces as
#: ``capture_space`` records them; tests/tasks/test_text.py checks them.
RNN_BLOCK_SPACE = {
    "bidirectional": ("bool", (False, True), True),
    "layer_type": ("choice", ("gru", "lstm"), "lstm"),
    "num_layers": ("choice", (1, 2, 3), 2),
}
TEMPORAL_REDUCTION_SPACE = {
    "reduction_type": ("choice", ("flatten", "global_max", "global_avg"), "flatten"),
}
STAGES = {"embedding": ("Embedding", EMBEDDING_SPACE), "rnn": ("RNNBlock", RNN_BLOCK_SPACE),
          "reduction": ("TemporalReduction", TEMPORAL_REDUCTION_SPACE),
          "dense": ("DenseBlock", DENSE_BLOCK_SPACE)}


@register_block
class TextRNNNetwork(TextNetwork):
    """Like ``TextNetwork`` (vectorization inside the model), with recurrent layers instead
    of convolutions: a word embedding, (bidirectional) LSTM or GRU layers returning every
    position, a reduction over positions and dense layers. Slower than convolutions on a CPU;
    runs on a GPU worker when there is one."""

    role = Role.MODEL
    stages = STAGES
    stage_options = {"RNNBlock": {"return_sequences": True}}
    hyperparameters = text_network_space(STAGES)
