"""docs/images.md: its code blocks run as printed, on tiny CIFAR-10 files made here."""

from __future__ import annotations

import numpy as np
import pytest

from glassnet.data import write_cifar10_batch
from tests._docs import run_doc


def test_images_doc_examples_run(tmp_path, monkeypatch, capsys):
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")

    rng = np.random.default_rng(0)
    folder = tmp_path / "cifar10"
    folder.mkdir()
    names = [f"data_batch_{i}.bin" for i in range(1, 6)] + ["test_batch.bin"]
    for name in names:
        write_cifar10_batch(folder / name, rng.integers(0, 256, (16, 32, 32, 3), np.uint8),
                            rng.integers(0, 10, 16))  # fmt: skip
    monkeypatch.setenv("GLASSNET_DATA_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    namespace = run_doc("images.md", blocks=4)
    assert capsys.readouterr().out.startswith("uint8 (32, 32, 3) (1,)")
    assert (tmp_path / "predictions.png").stat().st_size > 0
    assert (tmp_path / "confusion.png").stat().st_size > 0
    assert len(namespace["history"].history["val_loss"]) == 1
