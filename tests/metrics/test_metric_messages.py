"""Error messages of glassnet.metrics (and losses.deserialize) that their other tests do not
match."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet import losses, metrics
from glassnet.errors import ConfigError


@losses.LOSSES.register("metric_messages_plain_function")
def _plain_function(y_true, y_pred):
    return y_pred


@pytest.mark.parametrize(
    ("call", "error", "match"),
    [
        (lambda: metrics.Mean().update_state(np.array(["a"])), TypeError,
         r"mean: expected values to be numbers, got dtype <U1\. Convert it to a numeric NumPy "
         r"array first\."),
        (lambda: metrics.top_k_categorical_accuracy([[1, 0]], [[0.5, 0.5]], k=0), ConfigError,
         r"The 'k' argument of top_k_categorical_accuracy must be an int >= 1\. Got 0\."),
        (lambda: metrics.sparse_top_k_categorical_accuracy([1], [[0.5, 0.5]], k=0), ConfigError,
         r"The 'k' argument of sparse_top_k_categorical_accuracy must be an int >= 1\. Got 0\."),
        (lambda: metrics.SparseTopKCategoricalAccuracy(k=0), ConfigError,
         r"The 'k' argument of SparseTopKCategoricalAccuracy must be an int >= 1\. Got 0\."),
        (lambda: metrics.AUC(thresholds="x"), ConfigError,
         r"The 'thresholds' argument of AUC must be a float or a list of floats\. Got 'x'\."),
        (lambda: losses.deserialize({"class_name": "metric_messages_plain_function", "config": {}}),
         ConfigError,
         r"losses.deserialize: expected 'class_name' to name a Loss class, got "
         r"'metric_messages_plain_function'\."),
    ],
)  # fmt: skip
def test_metric_errors(call, error, match):
    with pytest.raises(error, match=match):
        call()
