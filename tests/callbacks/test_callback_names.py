"""The callback names users import: glassnet.callbacks and the Keras face (snapshot)."""

from __future__ import annotations

import glassnet
import glassnet.keras.callbacks as keras_callbacks


def test_callback_names_snapshot():
    assert glassnet.callbacks.__all__ == [
        "BackupAndRestore", "CSVLogger", "Callback", "CallbackList", "EarlyStopping", "History",
        "LambdaCallback", "LearningRateScheduler", "ModelCheckpoint", "ProgbarLogger",
        "ReduceLROnPlateau", "TerminateOnNaN",
    ]  # fmt: skip


def test_keras_face_has_the_same_callbacks():
    assert keras_callbacks.__all__ == glassnet.callbacks.__all__
    for name in glassnet.callbacks.__all__:
        assert getattr(keras_callbacks, name) is getattr(glassnet.callbacks, name)
