"""Special functions as ops: erf (the Gauss error function, used by the exact GELU).

NumPy has no vectorised ``erf``, and the engine depends on NumPy alone, so ``erf`` is computed
here from the rational approximations of fdlibm's ``s_erf.c`` (below), evaluated on whole
arrays: no Python loop over elements.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from glassnet import backend
from glassnet.tensor import Tensor, as_tensor

# The coefficients below are those of fdlibm's s_erf.c, which carries this notice:
# ====================================================
# Copyright (C) 1993 by Sun Microsystems, Inc. All rights reserved.
#
# Developed at SunPro, a Sun Microsystems, Inc. business.
# Permission to use, copy, modify, and distribute this
# software is freely granted, provided that this notice
# is preserved.
# ====================================================
# Each tuple lists a polynomial's coefficients from the constant term upwards.

# |x| < 0.84375:  erf(x) = x + x * P(x**2) / Q(x**2)
_SMALL_P = (
    1.28379167095512558561e-01, -3.25042107247001499370e-01, -2.84817495755985104766e-02,
    -5.77027029648944159157e-03, -2.37630166566501626084e-05,
)  # fmt: skip
_SMALL_Q = (
    1.0, 3.97917223959155352819e-01, 6.50222499887672944485e-02, 5.08130628187576562776e-03,
    1.32494738004321644526e-04, -3.96022827877536812320e-06,
)  # fmt: skip
# 0.84375 <= |x| < 1.25:  erf(|x|) = c + P(s) / Q(s),  s = |x| - 1
_MID_C = 8.45062911510467529297e-01
_MID_P = (
    -2.36211856075265944077e-03, 4.14856118683748331666e-01, -3.72207876035701323847e-01,
    3.18346619901161753674e-01, -1.10894694282396677476e-01, 3.54783043256182359371e-02,
    -2.16637559486879084300e-03,
)  # fmt: skip
_MID_Q = (
    1.0, 1.06420880400844228286e-01, 5.40397917702171048937e-01, 7.18286544141962662868e-02,
    1.26171219808761642112e-01, 1.36370839120290507362e-02, 1.19844998467991074170e-02,
)  # fmt: skip
# 1.25 <= |x| < 1/0.35:  erfc(|x|) = exp(-x**2 - 0.5625 + R(z) / S(z)) / |x|,  z = 1 / x**2
_TAIL_R = (
    -9.86494403484714822705e-03, -6.93858572707181764372e-01, -1.05586262253232909814e01,
    -6.23753324503260060396e01, -1.62396669462573470355e02, -1.84605092906711035994e02,
    -8.12874355063065934246e01, -9.81432934416914548592e00,
)  # fmt: skip
_TAIL_S = (
    1.0, 1.96512716674392571292e01, 1.37657754143519042600e02, 4.34565877475229228821e02,
    6.45387271733267880336e02, 4.29008140027567833386e02, 1.08635005541779435134e02,
    6.57024977031928170135e00, -6.04244152148580987438e-02,
)  # fmt: skip
# 1/0.35 <= |x| < 6:  the same form with other coefficients
_FAR_R = (
    -9.86494292470009928597e-03, -7.99283237680523006574e-01, -1.77579549177547519889e01,
    -1.60636384855821916062e02, -6.37566443368389627722e02, -1.02509513161107724954e03,
    -4.83519191608651397019e02,
)  # fmt: skip
_FAR_S = (
    1.0, 3.03380607434824582924e01, 3.25792512996573918826e02, 1.53672958608443695994e03,
    3.19985821950859553908e03, 2.55305040643316442583e03, 4.74528541206955367215e02,
    -2.24409524465858183362e01,
)  # fmt: skip

_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _poly(coefficients: tuple[float, ...], z: np.ndarray) -> np.ndarray:
    """Horner's rule: c0 + c1 z + c2 z**2 + ... on a whole array."""
    result = np.full_like(z, coefficients[-1])
    for c in coefficients[-2::-1]:
        result = result * z + c
    return result


def _erf_array(x: np.ndarray) -> np.ndarray:
    """erf of every element, accurate to about one ulp in float64 (fdlibm's method)."""
    a = np.abs(x)
    y = np.ones_like(a)  # why: erf(|x|) rounds to 1 for |x| >= 6 in float64.
    small = a < 0.84375
    mid = (a >= 0.84375) & (a < 1.25)
    tail = (a >= 1.25) & (a < 1 / 0.35)
    far = (a >= 1 / 0.35) & (a < 6.0)
    s = a[small]
    z = s * s
    y[small] = s + s * (_poly(_SMALL_P, z) / _poly(_SMALL_Q, z))
    s = a[mid] - 1
    y[mid] = _MID_C + _poly(_MID_P, s) / _poly(_MID_Q, s)
    for region, r_coef, s_coef in ((tail, _TAIL_R, _TAIL_S), (far, _FAR_R, _FAR_S)):
        s = a[region]
        z = 1 / (s * s)
        ratio = _poly(r_coef, z) / _poly(s_coef, z)
        y[region] = 1 - np.exp(-s * s - 0.5625 + ratio) / s
    y[np.isnan(a)] = np.nan
    return np.copysign(y, x)


def erf(x: Any) -> Tensor:
    """Gauss error function, element-wise.

    Computed on whole arrays from fdlibm's rational approximations (about one ulp in float64);
    float32 inputs are computed in float32 and stay float32.

    Math:
        y     = erf(x) = 2 / sqrt(pi) * integral from 0 to x of exp(-t**2) dt
        dL/dx = dL/dy * 2 / sqrt(pi) * exp(-x**2)

    Shape:
        x: any shape.  Output: same shape as x.

    Example:
        >>> erf(glassnet.tensor([0.0, 1.0, -3.0])).numpy()
        array([ 0...,  0.8427..., -0.9999...], dtype=float32)

    Reference:
        https://en.wikipedia.org/wiki/Error_function
    """
    x = as_tensor(x)
    if x.dtype.kind != "f":
        x = Tensor(x.data.astype(backend.floatx()))
    y = _erf_array(x.data)

    def backward(grad):
        return (grad * (_TWO_OVER_SQRT_PI * np.exp(-x.data * x.data)),)

    return Tensor.from_op(y, (x,), backward, "erf")
