"""plot_u_matrix and plot_component_planes: one cell per node, one panel per feature, saved to file."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from glassnet.errors import ShapeError  # noqa: E402
from glassnet.plot import plot_component_planes, plot_u_matrix  # noqa: E402
from glassnet.zoo import SelfOrganizingMap  # noqa: E402


@pytest.fixture(scope="module")
def trained():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2, 0.3, (30, 3)), rng.normal(2, 0.3, (30, 3))])
    y = np.repeat([0, 1], 30)
    return SelfOrganizingMap(5, 6, sigma=1.5, random_seed=0).fit(x, 400), x, y


def test_u_matrix_draws_the_distance_map_and_the_labelled_samples(trained, tmp_path):
    som, x, y = trained
    fig = plot_u_matrix(som, x, y, to_file=tmp_path / "u.png")
    ax = fig.axes[0]
    np.testing.assert_allclose(ax.images[0].get_array(), som.distance_map())
    assert [c.get_offsets().shape[0] for c in ax.collections] == [30, 30]
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["0", "1"]
    assert (tmp_path / "u.png").stat().st_size > 0
    with pytest.raises(ShapeError, match=r"plot_u_matrix: expected data and one label per sample"):
        plot_u_matrix(som, x, y[:3])


def test_component_planes_one_panel_per_feature(trained, tmp_path):
    som, _, _ = trained
    fig = plot_component_planes(som, ["a", "b", "c"], to_file=tmp_path / "c.png")
    panels = [ax for ax in fig.axes if ax.images]
    assert [ax.get_title() for ax in panels] == ["a", "b", "c"]
    np.testing.assert_allclose(panels[1].images[0].get_array(), som.weights[:, :, 1])
    assert (tmp_path / "c.png").stat().st_size > 0
    with pytest.raises(ShapeError, match=r"plot_component_planes: expected 3 feature names, got 2"):
        plot_component_planes(som, ["a", "b"])


def test_hexagonal_maps_are_drawn_as_hexagons_at_the_node_positions(trained):
    _, x, y = trained
    som = SelfOrganizingMap(5, 6, sigma=1.5, topology="hexagonal", random_seed=0).fit(x, 400)
    ax = plot_u_matrix(som, x, y).axes[0]
    cells, *markers = ax.collections
    paths = cells.get_paths()
    assert len(paths) == 5 * 6 and not ax.images
    np.testing.assert_allclose(cells.get_array(), som.distance_map().ravel())
    centre = paths[1].vertices[:6].mean(0)  # node (0, 1): half a step off its column's row
    np.testing.assert_allclose(centre, som._position[1][::-1], atol=1e-9)
    side = np.linalg.norm(paths[1].vertices[0] - paths[1].vertices[1])
    assert side == pytest.approx(1 / np.sqrt(3))  # touching neighbours one unit apart
    assert [m.get_offsets().shape[0] for m in markers] == [30, 30]
    fig = plot_component_planes(som, ["a", "b", "c"])
    panels = [a for a in fig.axes if a.get_title()]
    np.testing.assert_allclose(panels[2].collections[0].get_array(), som.weights[:, :, 2].ravel())
