"""``RBF``: a layer of Gaussian radial basis functions (glassnet's own; Keras has none)."""

from __future__ import annotations

from typing import Any

import numpy as np

from glassnet import initializers, ops
from glassnet.errors import ShapeError
from glassnet.layers._checks import BOOL, POSITIVE, POSITIVE_INT, check_args
from glassnet.layers._kmeans import kmeans
from glassnet.layers.base import LAYERS, InputSpec, Layer
from glassnet.tensor import Tensor, no_grad

__all__ = ["RBF"]


@LAYERS.register("RBF")
class RBF(Layer):
    """Gaussian radial basis functions: unit j answers how close the input is to centre c_j.

    Each unit has a centre ``c_j`` (a point in input space) and a width ``sigma_j``; its
    output is 1 at the centre and falls off as a Gaussian bump. This is the sigma form of
    the kernel; the gamma form ``exp(-gamma * d2)`` is the same with
    ``gamma = 1 / (2 * sigma**2)``. Centres and widths are weights, trained by gradient
    descent like any other (or frozen with ``trainable_centers``/``trainable_widths``).
    ``adapt(x)`` places the centres by k-means on data and sets the widths from the spacing
    of the centres, the classic first stage of training an RBF network.

    Math:
        d2_j  = ||x - c_j||^2 = sum(x**2) - 2 x . c_j + sum(c_j**2)
        y_j   = exp(-d2_j / (2 sigma_j**2))
        dL/dx       = sum_j dL/dy_j * y_j * (c_j - x) / sigma_j**2
        dL/dc_j     = sum_N dL/dy_j * y_j * (x - c_j) / sigma_j**2
        dL/dsigma_j = sum_N dL/dy_j * y_j * d2_j / sigma_j**3
        (the gradients come from the ops the forward pass is written with)

    Args:
        units: number of kernels (centres), a positive int.
        sigma: the initial width, a float > 0 (default 1.0).
        shared_width: one width for every unit (True) or one per unit (False, default).
        trainable_centers: whether ``fit`` moves the centres (default True).
        trainable_widths: whether ``fit`` changes the widths (default True).
        centers_initializer: initializer of the centres before ``adapt`` (default: standard
            normal draws, ``RandomNormal(stddev=1.0)``, which suits standardised data).

    Shape:
        Input: (N, ..., F).  Output: (N, ..., units).
        centers: (units, F), ``centers_initializer``.  widths: (units,), or (1,) with
        ``shared_width``, all ``sigma``.

    Raises:
        ConfigError: for a ``units`` or ``sigma`` out of range.

    Example:
        >>> layer = RBF(2, sigma=1.0)
        >>> layer.build((None, 1))
        >>> layer.set_weights([np.array([[0.0], [1.0]]), np.ones(2)])
        >>> layer(np.array([[0.0]])).numpy().round(4)
        array([[1.    , 0.6065]], dtype=float32)

    Reference:
        Broomhead and Lowe, "Multivariable functional interpolation and adaptive networks",
        Complex Systems 2, 1988; Moody and Darken, "Fast learning in networks of
        locally-tuned processing units", Neural Computation 1(2), 1989.
    """

    _constraints = {
        "units": POSITIVE_INT,
        "sigma": POSITIVE,
        "shared_width": BOOL,
        "trainable_centers": BOOL,
        "trainable_widths": BOOL,
    }

    def __init__(
        self,
        units: int,
        sigma: float = 1.0,
        shared_width: bool = False,
        trainable_centers: bool = True,
        trainable_widths: bool = True,
        centers_initializer: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.units, self.sigma, self.shared_width = units, sigma, shared_width
        self.trainable_centers, self.trainable_widths = trainable_centers, trainable_widths
        check_args(self)
        self.units, self.sigma = int(units), float(sigma)
        if centers_initializer is None:
            centers_initializer = initializers.RandomNormal(stddev=1.0)
        self.centers_initializer = initializers.get(centers_initializer)
        self.input_spec = InputSpec(min_ndim=2)

    def build(self, input_shape: tuple) -> None:
        features = input_shape[-1]
        self.centers = self.add_weight(
            "centers",
            (self.units, features),
            self.centers_initializer,
            trainable=self.trainable_centers,
        )
        shape = (1,) if self.shared_width else (self.units,)
        self.widths = self.add_weight(
            "widths",
            shape,
            initializers.Constant(self.sigma),
            trainable=self.trainable_widths,
        )
        self.input_spec = InputSpec(min_ndim=2, axes={-1: features})
        self.built = True

    def call(self, inputs: Tensor, training: bool | None = None) -> Tensor:
        c = self.centers
        x2 = ops.sum(inputs * inputs, axis=-1, keepdims=True)
        c2 = ops.sum(c * c, axis=-1)
        # NOTE: the expanded form can round a tiny distance below 0; exp of a tiny positive
        # number is harmless, and clipping would cut the gradient there, so d2 is not clipped.
        d2 = x2 - 2.0 * ops.linear(inputs, ops.transpose(c)) + c2
        return ops.exp(-d2 / (2.0 * self.widths * self.widths))

    def compute_output_shape(self, input_shape: tuple) -> tuple:
        return tuple(input_shape[:-1]) + (self.units,)

    def adapt(self, data: Any, *, seed: int = 0, set_widths: bool = True) -> RBF:
        """Place the centres by k-means on ``data`` and set the widths from their spacing.

        k-means++ seeding and Lloyd's iterations (glassnet's own, seeded NumPy). Widths:
        per unit, the distance from each centre to its nearest other centre; shared, the
        mean of those (with one unit: the root-mean-square distance of the data to it).
        Builds the layer first if needed. ``init_centers`` is the same method.

        Args:
            data: (N, F) samples (N >= units), e.g. the training inputs.
            seed: seed of the k-means draws.
            set_widths: also set the widths (default True); False keeps them.

        Returns:
            The layer itself.

        Raises:
            ShapeError: for data that is not (N, F) with F the layer's features, or has
                fewer rows than ``units``.
            ValueError: for data with NaN or infinite values.

        Example:
            >>> layer = RBF(2).adapt(np.array([[0.0], [0.2], [4.0], [4.2]]))
            >>> np.sort(layer.centers.numpy()[:, 0]).round(2), layer.widths.numpy().round(2)
            (array([0.1, 4.1], dtype=float32), array([4., 4.], dtype=float32))
        """
        x = self._adapt_data(data)
        centers, _ = kmeans(x, self.units, seed=seed)
        with no_grad():
            self.centers.data[...] = centers
            if set_widths:
                self.widths.data[...] = _widths(x, centers, self.shared_width)
        return self

    init_centers = adapt

    def _adapt_data(self, data: Any) -> np.ndarray:
        who = f"RBF '{self.name}'.adapt"
        if not isinstance(data, (np.ndarray, Tensor, list, tuple)):
            raise TypeError(f"{who}: expected an array of samples (N, F), got {type(data)}.")
        x = np.asarray(data.data if isinstance(data, Tensor) else data)
        if x.ndim != 2 or x.dtype.kind not in "biuf":
            raise ShapeError(f"{who}: expected numeric samples of shape (N, F), got {x.shape}.")
        if len(x) < self.units:
            raise ShapeError(
                f"{who}: expected at least units={self.units} samples, got {len(x)}. Pass "
                "more data or use fewer units."
            )
        x = x.astype(np.float64)
        if not np.isfinite(x).all():
            raise ValueError(f"{who}: expected finite values, got NaN or infinity.")
        if not self.built:
            self._build_once(x.shape)
        self.input_spec.check(self, x.shape)
        return x

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "units": self.units,
            "sigma": self.sigma,
            "shared_width": self.shared_width,
            "trainable_centers": self.trainable_centers,
            "trainable_widths": self.trainable_widths,
            "centers_initializer": initializers.serialize(self.centers_initializer),
        }


def _widths(x: np.ndarray, centers: np.ndarray, shared: bool) -> np.ndarray:
    """Widths from the spacing of the centres (Moody and Darken's nearest-neighbour rule)."""
    if len(centers) == 1:
        nearest = np.sqrt(((x - centers[0]) ** 2).sum(1).mean(keepdims=True))
    else:
        d2 = ((centers[:, None, :] - centers[None, :, :]) ** 2).sum(-1)
        np.fill_diagonal(d2, np.inf)
        nearest = np.sqrt(d2.min(1))
    positive = nearest[nearest > 0]
    # why: two equal centres (or one point) would give a zero width: exp(-d2 / 0).
    fallback = positive.mean() if positive.size else 1.0
    nearest = np.where(nearest > 0, nearest, fallback)
    return np.array([nearest.mean()]) if shared else nearest
