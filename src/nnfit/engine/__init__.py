"""The training engine on JAX and optax: the `Network`, its optimizer and learning rates, the
`Trainer` that runs many jit-compiled steps inside one device loop and tells its callbacks between
chunks, the callbacks themselves, checkpoints, and the JAX set-up."""

from ._callbacks import (
    INTERRUPTED,
    AccuracyTarget,
    Callback,
    ChunkEnd,
    EarlyStopping,
    Halt,
    History,
    Interrupt,
    ProbeEnd,
    RichProgress,
)
from ._checkpoint import CHECKPOINT_FILE, Checkpointer, read_checkpoint, write_checkpoint
from ._network import Network
from ._optimizer import LearningRates
from ._trainer import CHECK_ROWS, Trainer

__all__ = [
    "CHECKPOINT_FILE",
    "CHECK_ROWS",
    "INTERRUPTED",
    "AccuracyTarget",
    "Callback",
    "Checkpointer",
    "ChunkEnd",
    "EarlyStopping",
    "Halt",
    "History",
    "Interrupt",
    "LearningRates",
    "Network",
    "ProbeEnd",
    "RichProgress",
    "Trainer",
    "read_checkpoint",
    "write_checkpoint",
]
