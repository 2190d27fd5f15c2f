"""glassnet.ops.image.affine_transform: against scipy, finite differences and torch grid_sample."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ConfigError, ShapeError
from glassnet.ops.image import affine_transform, source_coordinates

# Two generic affine maps (output pixel -> input point); they reach outside the image.
_TRANSFORMS = np.array(
    [[0.9, 0.3, -1.2, -0.2, 1.1, 0.7, 0.0, 0.0], [1.3, -0.4, 2.0, 0.5, 0.8, -1.5, 0.0, 0.0]]
)
# scipy.ndimage names for the same boundary rules.
_SCIPY_MODES = {
    "constant": "grid-constant",
    "nearest": "nearest",
    "reflect": "reflect",
    "wrap": "grid-wrap",
    "mirror": "mirror",
}


def _scipy_reference(images, transform, order, mode, cval):
    ndimage = pytest.importorskip("scipy.ndimage")
    n, h, w, c = images.shape
    x_in, y_in = source_coordinates(transform, h, w)
    out = np.empty_like(images)
    for i in range(n):
        for ch in range(c):
            out[i, :, :, ch] = ndimage.map_coordinates(
                images[i, :, :, ch], [y_in[i], x_in[i]], order=order, mode=mode, cval=cval
            )
    return out


# A strong zoom-out: sample points several image widths outside (the periodic fill rules).
_FAR = np.array([[4.0, 0.3, -10.0, 0.2, 3.5, -8.0, 0.0, 0.0]])


@pytest.mark.parametrize("fill_mode", list(_SCIPY_MODES))
@pytest.mark.parametrize("transform", [_TRANSFORMS, _FAR], ids=["near", "far"])
def test_affine_transform_bilinear_matches_scipy_map_coordinates(fill_mode, transform, rng):
    images = rng.normal(size=(len(transform), 5, 7, 3))
    ours = affine_transform(images, transform, "bilinear", fill_mode, fill_value=0.5).numpy()
    theirs = _scipy_reference(images, transform, 1, _SCIPY_MODES[fill_mode], 0.5)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


@pytest.mark.parametrize("fill_mode", list(_SCIPY_MODES))
def test_affine_transform_nearest_matches_scipy_order_0(fill_mode, rng):
    images = rng.normal(size=(2, 5, 7, 3))
    # why: no sample point at exactly .5, where rounding conventions differ.
    transform = _TRANSFORMS + np.array([0, 0, 0.013, 0, 0, 0.021, 0, 0])
    ours = affine_transform(images, transform, "nearest", fill_mode, fill_value=0.5).numpy()
    theirs = _scipy_reference(images, transform, 0, _SCIPY_MODES[fill_mode], 0.5)
    np.testing.assert_allclose(ours, theirs, atol=1e-12)


def test_affine_transform_projective_row_divides_by_k(rng):
    images = rng.normal(size=(1, 6, 6, 1))
    transform = np.array([[1.0, 0.1, 0.2, 0.05, 0.9, 0.3, 0.02, -0.01]])
    ours = affine_transform(images, transform, "bilinear", "nearest").numpy()
    np.testing.assert_allclose(ours, _scipy_reference(images, transform, 1, "nearest", 0.0))


@pytest.mark.parametrize("fill_mode", ["constant", "nearest", "reflect", "wrap", "mirror"])
@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
def test_affine_transform_gradient_matches_finite_differences(fill_mode, interpolation, rng):
    images = rng.normal(size=(2, 4, 5, 2))
    transform = _TRANSFORMS + 0.013  # keep sample points off pixel borders (kinks)
    glassnet.gradcheck(
        lambda x: affine_transform(x, transform, interpolation, fill_mode, fill_value=0.7),
        images,
        atol=1e-7,
        rtol=1e-5,
    )


def _torch_grid(transform, h, w, torch):
    """Our pixel coordinates as grid_sample's normalised ones (align_corners=False)."""
    x_in, y_in = source_coordinates(transform, h, w)
    grid = np.stack([(2 * x_in + 1) / w - 1, (2 * y_in + 1) / h - 1], axis=-1)
    return torch.from_numpy(grid.astype(np.float32))


@pytest.mark.torch
@pytest.mark.parametrize(
    ("fill_mode", "padding_mode"),
    [("constant", "zeros"), ("nearest", "border"), ("reflect", "reflection")],
)
def test_affine_transform_matches_torch_grid_sample_forward_and_backward(
    fill_mode, padding_mode, rng
):
    torch = pytest.importorskip("torch")
    images = rng.normal(size=(2, 5, 6, 3)).astype(np.float32)
    upstream = rng.normal(size=images.shape).astype(np.float32)
    x = glassnet.tensor(images, requires_grad=True)
    out = affine_transform(x, _TRANSFORMS, "bilinear", fill_mode)
    (out * glassnet.tensor(upstream)).sum().backward()

    t_images = torch.from_numpy(images).permute(0, 3, 1, 2).requires_grad_(True)
    t_out = torch.nn.functional.grid_sample(
        t_images, _torch_grid(_TRANSFORMS, 5, 6, torch), mode="bilinear",
        padding_mode=padding_mode, align_corners=False,
    )  # fmt: skip
    (t_out * torch.from_numpy(upstream).permute(0, 3, 1, 2)).sum().backward()

    assert out.dtype == np.float32
    np.testing.assert_allclose(out.numpy(), t_out.detach().permute(0, 2, 3, 1), atol=1e-5)
    np.testing.assert_allclose(x.grad, t_images.grad.permute(0, 2, 3, 1), atol=1e-5, rtol=1e-4)


def test_affine_transform_shifts_by_whole_pixels_exactly():
    image = np.arange(12.0).reshape(1, 3, 4, 1)
    down_one = [1, 0, 0, 0, 1, -1, 0, 0]
    out = affine_transform(image, down_one, fill_mode="constant", fill_value=-1).numpy()
    np.testing.assert_array_equal(out[0, 1:, :, 0], image[0, :2, :, 0])
    np.testing.assert_array_equal(out[0, 0, :, 0], [-1, -1, -1, -1])


def test_affine_transform_takes_one_image_and_integer_pixels():
    image = np.full((4, 4, 3), 200, dtype=np.uint8)
    out = affine_transform(image, [1, 0, 0, 0, 1, 0, 0, 0])
    assert out.shape == (4, 4, 3)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out.numpy(), 200.0)


def test_affine_transform_broadcasts_one_transform_over_the_batch(rng):
    images = rng.normal(size=(3, 4, 4, 1))
    one = affine_transform(images, _TRANSFORMS[0]).numpy()
    many = affine_transform(images, np.repeat(_TRANSFORMS[:1], 3, axis=0)).numpy()
    np.testing.assert_array_equal(one, many)


def test_affine_transform_errors_name_the_problem():
    with pytest.raises(ShapeError, match=r"expected images of shape \(N, H, W, C\)"):
        affine_transform(np.zeros((4, 4)), [1, 0, 0, 0, 1, 0, 0, 0])
    with pytest.raises(ShapeError, match=r"expected a transform of shape \(2, 8\) or \(8,\)"):
        affine_transform(np.zeros((2, 4, 4, 1)), np.zeros((3, 8)))
    with pytest.raises(ConfigError, match="expected fill_mode in"):
        affine_transform(np.zeros((1, 4, 4, 1)), [1, 0, 0, 0, 1, 0, 0, 0], fill_mode="edge")
    with pytest.raises(ConfigError, match="expected interpolation in"):
        affine_transform(np.zeros((1, 4, 4, 1)), [1, 0, 0, 0, 1, 0, 0, 0], "bicubic")
