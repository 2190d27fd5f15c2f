"""plot_activations: every activation, its values and its autograd derivative as plotted."""

from __future__ import annotations

import numpy as np
import pytest

matplotlib = pytest.importorskip("matplotlib")
matplotlib.use("Agg")


from glassnet import activations  # noqa: E402
from glassnet.errors import ConfigError  # noqa: E402
from glassnet.plot import activation_curves, plot_activations  # noqa: E402
from glassnet.tensor import tensor  # noqa: E402


def test_every_builtin_activation_gets_a_panel_once(tmp_path):
    fig = plot_activations(to_file=tmp_path / "activations.png")
    titles = [ax.get_title() for ax in fig.axes]
    functions = {activations.get(n) for n in activations.ACTIVATIONS.names()}
    assert len(titles) == len(functions) == 18  # aliases (swish, hard_swish) drawn once
    assert "swish" not in titles and "silu" in titles
    assert "softmax([x, 0])[0]" in titles
    assert all(ax.get_xlabel() == "x" for ax in fig.axes)
    assert [t.get_text() for t in fig.legends[0].get_texts()] == ["f(x)", "f'(x) (autograd)"]
    assert (tmp_path / "activations.png").stat().st_size > 20000


def _finite_difference(fn, xs, h=1e-5):
    up = fn(tensor(xs + h)).numpy()
    down = fn(tensor(xs - h)).numpy()
    return (up - down) / (2 * h)


@pytest.mark.parametrize("name", ["relu", "gelu", "selu", "tanh", "mish", "hard_silu", "elu"])
def test_plotted_curves_are_the_function_and_its_derivative(name):
    fig = plot_activations([name])
    f_line, df_line = fig.axes[0].lines[:2]
    xs = np.asarray(f_line.get_xdata())
    away = np.all(np.abs(xs[:, None] - np.array([-3.0, 0.0, 3.0])) > 1e-3, axis=1)  # kinks
    fn = activations.get(name)
    np.testing.assert_allclose(f_line.get_ydata(), fn(tensor(xs)).numpy(), atol=1e-12)
    np.testing.assert_allclose(np.asarray(df_line.get_ydata())[away],
                               _finite_difference(fn, xs)[away], atol=1e-6)  # fmt: skip


def test_softmax_is_drawn_as_the_two_class_sigmoid():
    curves = activation_curves(["softmax", "log_softmax"], num=9)
    xs, y, dy = curves["softmax"]
    sigmoid = 1 / (1 + np.exp(-xs))
    np.testing.assert_allclose(y, sigmoid, atol=1e-12)
    np.testing.assert_allclose(dy, sigmoid * (1 - sigmoid), atol=1e-12)
    _, y, dy = curves["log_softmax"]
    np.testing.assert_allclose(y, np.log(sigmoid), atol=1e-12)
    np.testing.assert_allclose(dy, 1 - sigmoid, atol=1e-12)


def test_custom_functions_and_unknown_names():
    def cube(x):
        return x * x * x

    xs, y, dy = activation_curves([cube], x_range=(-1, 1), num=3)["cube"]
    np.testing.assert_allclose(dy, 3 * xs**2)
    with pytest.raises(ConfigError, match="Unknown activation 'rel'"):
        plot_activations(["rel"])
