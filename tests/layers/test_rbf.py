"""RBF layer: the layer oracle, PyTorch forward and backward, k-means adapt, and its errors."""

from __future__ import annotations

import importlib.util

import numpy as np
import pytest

from glassnet.errors import ConfigError, ShapeError
from glassnet.layers import LAYERS, RBF
from glassnet.layers._kmeans import kmeans
from glassnet.tensor import Tensor
from tests._oracle import check_layer

HAS_TORCH = importlib.util.find_spec("torch") is not None


def _torch_rbf(torch, x, centers, widths):
    d2 = ((x[..., None, :] - centers) ** 2).sum(-1)
    return torch.exp(-d2 / (2 * widths**2))


def _torch_forward():
    if not HAS_TORCH:
        return None

    def forward(layer, x):
        import torch

        c, w = (torch.from_numpy(a) for a in layer.get_weights())
        with torch.no_grad():
            return _torch_rbf(torch, torch.from_numpy(x), c, w).numpy()

    return forward


@pytest.mark.parametrize(
    "kwargs, shape",
    [({}, (5, 3)), ({"shared_width": True}, (5, 3)), ({}, (2, 4, 3)), ({"sigma": 0.7}, (6, 1))],
)
def test_rbf_layer_oracle_and_torch(kwargs, shape):
    layer = check_layer(
        lambda **kw: RBF(4, **kwargs, **kw), shape, n_weights=2, torch_forward=_torch_forward()
    )
    widths = layer.widths.numpy()
    assert widths.shape == ((1,) if kwargs.get("shared_width") else (4,))
    np.testing.assert_allclose(widths, kwargs.get("sigma", 1.0))
    assert layer.centers.shape == (4, shape[-1])


def test_rbf_backward_matches_torch_for_input_centers_and_widths():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(1)
    x = rng.normal(size=(7, 3)).astype(np.float32)
    upstream = rng.normal(size=(7, 5)).astype(np.float32)
    layer = RBF(5)
    layer.build((None, 3))
    layer.set_weights([rng.normal(size=(5, 3)), rng.uniform(0.5, 2.0, size=5)])
    xt = Tensor(x, requires_grad=True)
    (layer(xt) * upstream).sum().backward()
    tx = torch.tensor(x, requires_grad=True)
    tc, tw = (torch.tensor(w, requires_grad=True) for w in layer.get_weights())
    (_torch_rbf(torch, tx, tc, tw) * torch.from_numpy(upstream)).sum().backward()
    for ours, theirs in [(xt, tx), (layer.centers, tc), (layer.widths, tw)]:
        np.testing.assert_allclose(ours.grad, theirs.grad.numpy(), rtol=1e-4, atol=1e-5)


def test_rbf_value_at_centre_is_one_and_gamma_form_agrees():
    layer = RBF(2, sigma=0.5)
    layer.build((None, 2))
    layer.set_weights([np.array([[0.0, 0.0], [1.0, 2.0]]), np.full(2, 0.5)])
    y = layer(np.array([[0.0, 0.0]])).numpy()
    gamma = 1 / (2 * 0.5**2)
    np.testing.assert_allclose(y, [[1.0, np.exp(-gamma * 5.0)]], rtol=1e-6)


def test_rbf_frozen_centres_and_widths_are_not_trainable():
    layer = RBF(3, trainable_centers=False, trainable_widths=False)
    layer(np.zeros((2, 4), np.float32))
    assert layer.trainable_weights == [] and len(layer.non_trainable_weights) == 2
    only_widths = RBF(3, trainable_centers=False)
    only_widths(np.zeros((2, 4), np.float32))
    assert only_widths.trainable_weights == [only_widths.widths]


def test_rbf_config_round_trip_through_the_registry():
    layer = RBF(3, sigma=2.0, shared_width=True, trainable_widths=False, name="rbf_cfg")
    clone = LAYERS.deserialize(LAYERS.serialize(layer))
    assert isinstance(clone, RBF)
    assert clone.get_config() == layer.get_config()


# ---------------------------------------------------------------- k-means and adapt
def _three_blobs(n=60, seed=0):
    rng = np.random.default_rng(seed)
    true = np.array([[-4.0, 0.0], [0.0, 4.0], [4.0, 0.0]])
    x = np.concatenate([c + 0.3 * rng.normal(size=(n, 2)) for c in true])
    return x.astype(np.float32), true


def test_adapt_places_centres_on_the_clusters_and_is_seeded():
    x, true = _three_blobs()
    layer = RBF(3).adapt(x, seed=4)
    centers = layer.centers.numpy()
    nearest = np.sqrt(((centers[:, None] - true[None]) ** 2).sum(-1)).min(0)
    assert nearest.max() < 0.15  # each true centre has a fitted centre on it
    again = RBF(3).adapt(x, seed=4)
    np.testing.assert_array_equal(again.centers.numpy(), centers)
    # widths: distance to the nearest other centre (about 4*sqrt(2) for the side blobs)
    np.testing.assert_allclose(np.sort(layer.widths.numpy()), [5.66, 5.66, 5.66], atol=0.2)


def test_adapt_shared_width_is_the_mean_spacing_and_keeps_widths_on_request():
    x, _ = _three_blobs()
    shared = RBF(3, shared_width=True).adapt(x)
    assert shared.widths.shape == (1,)
    np.testing.assert_allclose(shared.widths.numpy(), [5.66], atol=0.2)
    kept = RBF(3, sigma=0.25).adapt(x, set_widths=False)
    np.testing.assert_allclose(kept.widths.numpy(), 0.25)


def test_adapt_with_repeated_points_never_gives_a_zero_width():
    x = np.array([[1.0], [1.0], [1.0], [3.0]])
    layer = RBF(3).adapt(x)
    assert (layer.widths.numpy() > 0).all()
    one = RBF(1).adapt(np.array([[0.0], [2.0]]))
    np.testing.assert_allclose(one.widths.numpy(), [1.0])  # RMS distance to the mean


def test_kmeans_reseeds_empty_clusters_and_matches_sklearn_inertia():
    sklearn_cluster = pytest.importorskip("sklearn.cluster")
    x, _ = _three_blobs(seed=2)
    centers, labels = kmeans(x, 5, seed=0)
    assert np.bincount(labels, minlength=5).min() > 0
    ours = ((x - centers[labels]) ** 2).sum()
    theirs = sklearn_cluster.KMeans(5, n_init=10, random_state=0).fit(x).inertia_
    assert ours <= theirs * 1.05


@pytest.mark.parametrize(
    "data, error, match",
    [
        (np.zeros((2, 3)), ShapeError, r"RBF 'rbf_err'.adapt: expected at least units=4 samples"),
        (np.zeros((8,)), ShapeError, r"expected numeric samples of shape \(N, F\), got \(8,\)"),
        (np.full((8, 3), np.nan), ValueError, r"expected finite values, got NaN"),
        ("abc", TypeError, r"expected an array of samples \(N, F\)"),
    ],
)
def test_adapt_errors(data, error, match):
    with pytest.raises(error, match=match):
        RBF(4, name="rbf_err").adapt(data)


def test_adapt_on_a_built_layer_checks_the_features():
    layer = RBF(2, name="rbf_built")
    layer(np.zeros((1, 3), np.float32))
    with pytest.raises(ShapeError, match=r"RBF 'rbf_built': expected input of shape \(N, 3\)"):
        layer.adapt(np.zeros((5, 2)))


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"units": 0}, r"The 'units' argument of RBF must be a positive int. Got 0."),
        ({"units": 2, "sigma": 0.0}, r"The 'sigma' argument of RBF must be a float > 0. Got 0.0"),
        ({"units": 2, "shared_width": 1}, r"'shared_width' argument of RBF must be True or Fa"),
    ],
)
def test_rbf_constructor_errors(kwargs, match):
    with pytest.raises(ConfigError, match=match):
        RBF(**kwargs)
