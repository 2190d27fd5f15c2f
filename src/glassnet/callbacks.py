"""``glassnet.callbacks``: the Keras callback names.

They live in ``glassnet.models``: ``callbacks`` (the base class, History, EarlyStopping, ...),
``lr_callbacks`` (ReduceLROnPlateau, LearningRateScheduler), ``file_callbacks``
(ModelCheckpoint, CSVLogger); ``BackupAndRestore`` lives with the checkpoint files it writes,
in ``glassnet.io.backup``.
"""

from glassnet.io import backup as _backup
from glassnet.io.backup import *  # noqa: F403
from glassnet.models import callbacks as _base
from glassnet.models import file_callbacks as _files
from glassnet.models import lr_callbacks as _lr
from glassnet.models.callbacks import *  # noqa: F403
from glassnet.models.file_callbacks import *  # noqa: F403
from glassnet.models.lr_callbacks import *  # noqa: F403

__all__ = sorted(_base.__all__ + _files.__all__ + _lr.__all__ + _backup.__all__)
