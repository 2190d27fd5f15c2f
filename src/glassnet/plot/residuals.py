"""``plot_residuals``: how a regression model's predictions miss their targets."""

from __future__ import annotations

import os
from typing import Any

from glassnet.plot._mpl import pyplot, save

__all__ = ["plot_residuals"]


def plot_residuals(
    model_or_y_true: Any,
    x_or_y_pred: Any = None,
    y: Any = None,
    bins: int = 30,
    to_file: str | os.PathLike | None = None,
) -> Any:
    """Three panels: predicted against true, residuals against predicted, residual histogram.

    A good regression model puts the points of the first panel on the diagonal, scatters the
    residuals of the second evenly around 0 (a curve or a funnel there means a pattern the
    model missed), and gives a narrow histogram centred on 0. The title carries the
    ``regression_report`` numbers. Several outputs (N, D) are pooled.

    Math:
        residual = y_true - y_pred

    Args:
        model_or_y_true, x_or_y_pred, y: ``(model, x, y)`` (it predicts x) or
            ``(y_true, y_pred)``.
        bins: bars in the histogram.
        to_file: save the figure there too.

    Returns:
        The matplotlib Figure with three axes.

    Raises:
        ShapeError: when targets and predictions differ in shape (beyond a trailing 1).
        ImportError: when matplotlib or scikit-learn is missing.

    Example:
        >>> fig = plot_residuals([1.0, 2.0, 3.0, 4.0], [1.1, 1.9, 3.2, 3.8])
        >>> [ax.get_xlabel() for ax in fig.axes]
        ['true value', 'predicted value', 'residual (true - predicted)']
    """
    from glassnet.inspect.evaluation import regression_report, regression_scores

    plt = pyplot("plot_residuals")
    y_true, y_pred = regression_scores("plot_residuals", model_or_y_true, x_or_y_pred, y)
    report = regression_report(y_true, y_pred, output_dict=True)
    truth, guess = y_true.ravel(), y_pred.ravel()
    residuals = truth - guess
    fig, (fit_ax, res_ax, hist_ax) = plt.subplots(1, 3, figsize=(14.5, 4.4))

    low, high = min(truth.min(), guess.min()), max(truth.max(), guess.max())
    fit_ax.plot([low, high], [low, high], color="black", linewidth=1, label="perfect: y = x")
    fit_ax.scatter(truth, guess, s=12, alpha=0.6, color="tab:blue", label="samples")
    fit_ax.set(xlabel="true value", ylabel="predicted value", title="Predicted vs true")

    res_ax.axhline(0, color="black", linewidth=1, label="no error")
    res_ax.scatter(guess, residuals, s=12, alpha=0.6, color="tab:blue", label="samples")
    res_ax.set(xlabel="predicted value", ylabel="residual (true - predicted)",
               title="Residuals vs predicted")  # fmt: skip

    hist_ax.hist(residuals, bins=bins, color="tab:blue", alpha=0.75, label="residuals")
    hist_ax.axvline(0, color="black", linewidth=1, label="no error")
    hist_ax.axvline(residuals.mean(), color="tab:red", linestyle="--", linewidth=1.2,
                    label=f"mean: {residuals.mean():.3g}")  # fmt: skip
    hist_ax.set(xlabel="residual (true - predicted)", ylabel="count", title="Residuals")

    for ax in (fit_ax, res_ax, hist_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    fig.suptitle(f"MAE {report['mae']:.4g}   RMSE {report['rmse']:.4g}   "
                 f"R² {report['r2']:.4g}   (n = {report['n']})")  # fmt: skip
    fig.tight_layout()
    save(fig, to_file)
    return fig
