"""UpSampling1D and Cropping1D against the layer oracle and PyTorch."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import Cropping1D, UpSampling1D
from tests._oracle import check_layer


def _torch_upsample(layer, x):
    torch = pytest.importorskip("torch")
    t = torch.from_numpy(x).permute(0, 2, 1)  # (N, C, T)
    out = torch.nn.Upsample(scale_factor=layer.size, mode="nearest")(t)
    return out.permute(0, 2, 1).numpy()


@pytest.mark.parametrize("size", [1, 2, 3])
def test_upsampling1d_oracle_and_torch(size) -> None:
    check_layer(lambda **kw: UpSampling1D(size, **kw), (2, 4, 3), n_weights=0,
                torch_forward=_torch_upsample)  # fmt: skip


@pytest.mark.parametrize("cropping", [1, (0, 2), (2, 1)])
def test_cropping1d_oracle_and_numpy(cropping) -> None:
    start, end = (cropping, cropping) if isinstance(cropping, int) else cropping

    def torch_forward(layer, x):
        torch = pytest.importorskip("torch")
        return torch.from_numpy(x)[:, start : x.shape[1] - end].numpy()

    check_layer(lambda **kw: Cropping1D(cropping, **kw), (2, 6, 3), n_weights=0,
                torch_forward=torch_forward)  # fmt: skip


def test_keras_defaults() -> None:
    assert UpSampling1D().size == 2 and Cropping1D().cropping == (1, 1)
    assert UpSampling1D().compute_output_shape((None, None, 3)) == (None, None, 3)


def test_errors() -> None:
    with pytest.raises(ConfigError, match="'size' argument of UpSampling1D must be an int"):
        UpSampling1D(0)
    with pytest.raises(ConfigError, match="'cropping' argument of Cropping1D must be an int"):
        Cropping1D((1, -1))
    with pytest.raises(ShapeError, match="expected more than 4 time steps to crop"):
        Cropping1D(2)(np.ones((1, 4, 2)))
    with pytest.raises(ShapeError, match="expected input of rank 3"):
        UpSampling1D()(np.ones((2, 4)))
