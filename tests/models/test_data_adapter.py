"""The array side of fit's data: batching order and the finite-values check."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from glassnet.models import data_adapter as da


def test_shuffled_batches_cover_every_sample_once_in_a_new_order():
    rng = np.random.default_rng(0)
    parts = list(da.batches(10, 4, True, rng))
    assert [len(p) for p in parts] == [4, 4, 2]
    order = np.concatenate(parts)
    assert sorted(order) == list(range(10))
    assert list(order) != list(range(10))


def test_one_batch_covering_all_samples_is_a_slice_not_a_shuffle():
    # why: reordering the rows of the only batch changes just the order of a sum
    rng = np.random.default_rng(0)
    state = rng.bit_generator.state
    parts = list(da.batches(10, 10, True, rng))
    assert parts == [slice(0, 10)]
    assert rng.bit_generator.state == state  # no random numbers drawn
    x = np.arange(10.0)
    assert np.shares_memory(da.take(x, parts[0]), x)


@pytest.mark.parametrize("layout", ["C", "F"])
def test_finite_check_finds_a_nan_anywhere_without_a_full_size_copy(layout):
    x = np.asfortranarray(np.ones((4000, 300))) if layout == "F" else np.ones((4000, 300))
    x = x.astype(np.float32)
    tracemalloc.start()
    assert da.to_array("fit", "x", x) is not None
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < x.nbytes / 8, f"the check allocated {peak} bytes for a {x.nbytes}-byte input"
    x[3999, 299] = np.inf
    with pytest.raises(ValueError, match=r"fit: expected finite values in x, got 1 NaN or inf"):
        da.to_array("fit", "x", x)
