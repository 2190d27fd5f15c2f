"""Anomaly mode: stop at the first op whose output or gradient holds NaN or Inf, and name it.

A NaN loss says that something went wrong, not where. In anomaly mode every op checks its
result as it is made, and every op's backward checks the gradients it hands its inputs, so the
run stops at the first non-finite number with an ``AnomalyError`` that names the op
(``'log'``, ``'matmul'``...), the layer (and the model) it ran in, and what to try::

    with glassnet.detect_anomaly():
        model.fit(x, y, epochs=5)

    glassnet.set_detect_anomaly(True)      # PyTorch's name: on until switched off

Off (the default) it costs one check per op, in ``Tensor.from_op``. On, it runs
``numpy.isfinite`` over every op's output and every gradient, and walks the Python stack once
per op to find the layer: a debugging tool, slower (``fit`` of a small MLP takes about 1.4
times as long), as ``torch.autograd.detect_anomaly`` is. Unlike PyTorch's mode, which checks the backward pass for
NaN only, glassnet checks both passes and counts an infinity as an anomaly too (an Inf in a
forward pass nearly always becomes a NaN a few ops later).
"""

from __future__ import annotations

import contextlib
import importlib
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from glassnet.errors import AnomalyError

# why: `glassnet.tensor` is also the name of the function that makes tensors; take the module.
_tensor = importlib.import_module("glassnet.tensor")

__all__ = ["detect_anomaly", "is_anomaly_enabled", "set_detect_anomaly"]

_enabled = False
#: Frames whose ``self`` is a layer (or a loss) running: ``Layer.__call__`` and ``call``.
_CALL_FRAMES = ("__call__", "call")


def is_anomaly_enabled() -> bool:
    """Return True while anomaly mode is on."""
    return _enabled


def set_detect_anomaly(mode: bool) -> None:
    """Switch anomaly mode on or off for everything that follows (PyTorch's name).

    Args:
        mode: True to check every op's output and gradient for NaN and Inf.

    Raises:
        TypeError: if ``mode`` is not a bool.
    """
    global _enabled
    if not isinstance(mode, (bool, np.bool_)):
        raise TypeError(
            f"set_detect_anomaly: expected True or False, got {mode!r}. "
            "Use glassnet.set_detect_anomaly(True) to switch anomaly mode on."
        )
    _enabled = bool(mode)
    _tensor._anomaly_hook = _check_op if _enabled else None


class detect_anomaly(contextlib.ContextDecorator):  # noqa: N801 - PyTorch's name
    """Anomaly mode inside a ``with`` block or a decorated function; the old mode comes back after.

    Inside, the first op whose output holds NaN or Inf, or whose backward hands an input a
    gradient holding NaN or Inf, raises ``glassnet.errors.AnomalyError`` (a
    ``FloatingPointError``) naming the op, the layer and the model it ran in.

    Example:
        >>> x = glassnet.tensor([1.0, -1.0])
        >>> with glassnet.detect_anomaly(), np.errstate(invalid="ignore"):
        ...     glassnet.ops.log(x)
        Traceback (most recent call last):
        ...
        glassnet.errors.AnomalyError: anomaly mode: op 'log' produced NaN (1 of 2 values) from finite inputs. ...
    """

    def __init__(self) -> None:
        self._previous: list[bool] = []

    def __enter__(self) -> detect_anomaly:
        self._previous.append(_enabled)
        set_detect_anomaly(True)
        return self

    def __exit__(self, *exc: object) -> None:
        set_detect_anomaly(self._previous.pop())


# ---------------------------------------------------------------------- the checks
def _check_op(data: np.ndarray, parents: Sequence[Any], backward: Any, op: str) -> Any:
    """``Tensor.from_op``'s hook: check the output now, and return a checking ``backward``."""
    where = _layer_path(sys._getframe(2))
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        raise AnomalyError(_forward_message(data, parents, op, where))

    def checked_backward(grad: np.ndarray) -> Sequence[np.ndarray | None]:
        grads = backward(grad)
        for index, parent_grad in enumerate(grads):
            if parent_grad is not None and not np.isfinite(parent_grad).all():
                raise AnomalyError(_backward_message(grad, parent_grad, index, op, where))
        return grads

    return checked_backward


def _layer_path(frame: Any) -> str:
    """E.g. " in Dense 'dense_1' of Sequential 'model'": the layers (or losses) running now."""
    owners: list[Any] = []
    while frame is not None:
        if frame.f_code.co_name in _CALL_FRAMES:
            owner = frame.f_locals.get("self")
            if _is_layer_or_loss(owner) and not any(o is owner for o in owners):
                owners.append(owner)
        frame = frame.f_back
    if not owners:
        return ""
    inner, outer = owners[0], owners[1:]
    return f" in {type(inner).__name__} '{inner.name}'" + "".join(
        f" of {type(o).__name__} '{o.name}'" for o in outer
    )


def _is_layer_or_loss(owner: Any) -> bool:
    """Duck-typed (this module sits below layers and losses): a ``call``, a config and a name."""
    cls = type(owner)
    return (
        callable(getattr(cls, "call", None))
        and callable(getattr(cls, "get_config", None))
        and isinstance(getattr(owner, "name", None), str)
    )


def _what(array: np.ndarray) -> str:
    nan = int(np.isnan(array).sum())
    inf = int(np.isinf(array).sum())
    kinds = " and ".join(k for k, n in (("NaN", nan), ("Inf", inf)) if n)
    return f"{kinds} ({nan + inf} of {array.size} values)"


def _forward_message(data: np.ndarray, parents: Sequence[Any], op: str, where: str) -> str:
    bad = [
        i
        for i, p in enumerate(parents)
        if p.data.dtype.kind == "f" and not np.isfinite(p.data).all()
    ]
    if bad:
        return (
            f"anomaly mode: op '{op}'{where} received input {bad[0]} already holding NaN or Inf, "
            f"so its output holds {_what(data)}. No op checked in anomaly mode made that input: "
            "it is data or a weight. Check the data with numpy.isfinite, and the weights (an "
            "earlier step outside anomaly mode may have diverged)."
        )
    return (
        f"anomaly mode: op '{op}'{where} produced {_what(data)} from finite inputs. Typical "
        "causes: log or sqrt of a value <= 0, division by zero, exp of a large number. Clip "
        "the op's input (glassnet.ops.clip), use the fused or stable form (from_logits=True "
        "losses), or lower the learning rate."
    )


def _backward_message(grad: np.ndarray, parent_grad: np.ndarray, index: int, op: str,
                      where: str) -> str:  # fmt: skip
    received = "a finite gradient" if np.isfinite(grad).all() else f"a gradient with {_what(grad)}"
    return (
        f"anomaly mode: the backward pass of op '{op}'{where} gave its input {index} a gradient "
        f"holding {_what(parent_grad)}, from {received}. Typical causes: the derivative of "
        "sqrt, log or pow at 0, or of a division by a value near 0. Add a small epsilon "
        "inside the op, or clip its input away from that point."
    )


# Keep the hook consistent with the flag if this module is reloaded.
_tensor._anomaly_hook = _check_op if _enabled else None
