"""The seed programs run as notebook cells: fixed seed, no windows, files in tmp_path."""

from __future__ import annotations

import pytest

import glassnet


@pytest.fixture
def notebook(monkeypatch, tmp_path):
    """A clean run: seed 0, ``plt.show`` patched out, the working directory in tmp_path.

    Yields the namespace the program runs in (``plt`` in it already, for the programs
    whose document imported it in an earlier cell).
    """
    pytest.importorskip("sklearn")
    plt = pytest.importorskip("matplotlib.pyplot")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    monkeypatch.chdir(tmp_path)
    threadpoolctl = pytest.importorskip("threadpoolctl")
    glassnet.utils.set_random_seed(0)
    # why: these small batches run 10x slower when a multi-threaded BLAS competes for two
    # busy cores; one thread keeps the package well inside its time budget.
    with threadpoolctl.threadpool_limits(1):
        yield {"plt": plt}
    plt.close("all")
