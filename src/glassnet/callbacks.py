"""``glassnet.callbacks``: the Keras callback names (they live in ``glassnet.models.callbacks``)."""

from glassnet.models.callbacks import (
    Callback,
    CallbackList,
    EarlyStopping,
    History,
    LambdaCallback,
    ProgbarLogger,
    TerminateOnNaN,
)

__all__ = [
    "Callback",
    "CallbackList",
    "EarlyStopping",
    "History",
    "LambdaCallback",
    "ProgbarLogger",
    "TerminateOnNaN",
]
