"""The seed documents' Keras programs run on glassnet with only their imports changed.

The programs are read from the project's seed documents (``../shared/seeds``), not copied into
the repository; the test is skipped where that folder is absent. The one edit is the import:
``import tensorflow as tf`` / ``from tensorflow import keras`` becomes
``from glassnet import keras``.
"""

from __future__ import annotations

import pathlib

import pytest

SEEDS = pathlib.Path(__file__).resolve().parents[2] / "shared" / "seeds"
KERAS_IMPORTS = "import tensorflow as tf\nfrom tensorflow import keras\n"


def _seed_text() -> str:
    files = sorted(SEEDS.glob("000_*.txt")) if SEEDS.is_dir() else []
    if not files:
        pytest.skip("seed documents not found beside the repository")
    return files[0].read_text(encoding="utf-8")


def _program(text: str, start: str, end: str) -> str:
    begin = text.index(start)
    return text[begin : text.index(end, begin)]


def _run(programs: list[str], monkeypatch) -> dict:
    """Run the seed's code cells in one namespace, as a notebook would."""
    pytest.importorskip("sklearn")
    plt = pytest.importorskip("matplotlib.pyplot")
    monkeypatch.setattr(plt, "show", lambda *a, **k: None)
    assert KERAS_IMPORTS in programs[0]
    namespace: dict = {}
    for cell in programs:
        code = cell.replace(KERAS_IMPORTS, "from glassnet import keras\n")
        exec(compile(code, "seed", "exec"), namespace)  # noqa: S102 - the project's own seed
    plt.close("all")
    return namespace


def test_seed_keras_dense_programs_run_with_only_imports_changed(monkeypatch, capsys):
    import glassnet

    glassnet.utils.set_random_seed(0)
    text = _seed_text()
    first = _program(
        text, "import numpy as np\nimport tensorflow as tf", "Multi-class Classification"
    )
    iris = _program(text, "# Load Iris dataset", "Using PyTorch")
    ns = _run([first, iris], monkeypatch)
    out = capsys.readouterr().out
    assert "Test Accuracy" in out and "Classification Report" in out
    assert ns["test_acc"] >= 0.9, f"make_classification test accuracy {ns['test_acc']:.3f}"
    assert (ns["predicted_classes"] == ns["y_test"]).mean() >= 0.9
