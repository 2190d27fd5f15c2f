"""plot_image_grid: titles, colours (green right, red wrong), image handling, saved files."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from glassnet.errors import ShapeError  # noqa: E402
from glassnet.plot import plot_image_grid  # noqa: E402

NAMES = ["cat", "dog", "bird"]


def _titled(fig):
    return [(ax.get_title(), ax.title.get_color()) for ax in fig.axes if ax.get_title()]


def test_titles_are_green_when_right_and_red_when_wrong(rng):
    images = rng.integers(0, 256, (4, 8, 8, 3), dtype=np.uint8)
    fig = plot_image_grid(images, [0, 1, 2, 0], [0, 2, 2, 1], class_names=NAMES)
    assert _titled(fig) == [
        ("True: cat\nPred: cat", "green"),
        ("True: dog\nPred: bird", "red"),
        ("True: bird\nPred: bird", "green"),
        ("True: cat\nPred: dog", "red"),
    ]


def test_probabilities_and_one_hot_labels_are_understood(rng):
    probabilities = np.array([[0.1, 0.7, 0.2], [0.6, 0.3, 0.1]])
    one_hot = np.eye(3)[[1, 2]]
    fig = plot_image_grid(rng.random((2, 6, 6)), one_hot, probabilities, class_names=NAMES)
    assert _titled(fig) == [
        ("True: dog\nPred: dog (70.0%)", "green"),
        ("True: bird\nPred: cat (60.0%)", "red"),
    ]


def test_without_predictions_titles_are_the_true_labels_in_black(rng):
    fig = plot_image_grid(rng.random((3, 5, 5, 1)), np.array([[2], [0], [1]]))
    assert _titled(fig) == [("True: 2", "black"), ("True: 0", "black"), ("True: 1", "black")]


def test_grid_shape_and_unused_cells(rng):
    fig = plot_image_grid(rng.random((7, 5, 5)), np.zeros(7, int), ncols=3)
    assert len(fig.axes) == 9  # 3 x 3, the last two empty and hidden
    assert sum(ax.get_visible() and bool(ax.images) for ax in fig.axes) == 7
    default = plot_image_grid(rng.random((12, 5, 5)), np.zeros(12, int))
    assert default.axes[0].get_gridspec().ncols == 4


def test_pixel_values_are_shown_as_given_or_stretched(rng):
    grey = plot_image_grid(np.full((1, 4, 4, 1), 255, np.uint8), [0])
    shown = grey.axes[0].images[0]
    assert shown.get_cmap().name == "gray"
    np.testing.assert_allclose(shown.get_array(), 1.0)
    standardised = rng.normal(size=(2, 4, 4, 3)) * 5
    shown = plot_image_grid(standardised, [0, 1]).axes[0].images[0].get_array()
    assert shown.min() == 0.0 and shown.max() == 1.0


def test_to_file_writes_a_png(tmp_path, rng):
    path = tmp_path / "grid.png"
    plot_image_grid(rng.integers(0, 256, (6, 32, 32, 3), dtype=np.uint8), range(6),
                    np.arange(6) % 3, to_file=path)  # fmt: skip
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


def test_errors_name_the_problem(rng):
    with pytest.raises(ShapeError, match=r"expected pred_labels for each of the 3 images, got 2"):
        plot_image_grid(rng.random((3, 4, 4)), [0, 1, 2], [0, 1])
    with pytest.raises(ShapeError, match=r"expected images \(N, H, W\), \(N, H, W, 1\)"):
        plot_image_grid(rng.random((3, 4, 4, 2)), [0, 1, 2])
    with pytest.raises(ValueError, match="expected integer class ids in true_labels"):
        plot_image_grid(rng.random((2, 4, 4)), [0.5, 1.0])


def test_glassnet_plot_imports_without_matplotlib_and_says_how_to_install():
    code = (
        "import sys; sys.modules['matplotlib'] = None; sys.modules['matplotlib.pyplot'] = None\n"
        "import numpy as np, glassnet.plot\n"
        "try:\n"
        "    glassnet.plot.plot_image_grid(np.zeros((1, 2, 2)), [0])\n"
        "except ImportError as err:\n"
        "    print(err)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert "plot_image_grid needs matplotlib. Install it with: pip install matplotlib" in out.stdout
