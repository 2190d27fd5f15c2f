"""The loading half of test_zoo_saving.py, run in its own process (and imported by the test,
so both halves measure a model the same way).

    python _saving_run.py FOLDER NAME [NAME ...]

For each NAME: load FOLDER/NAME.keras, read FOLDER/NAME_data.npz (x, and y when there is
one), and write FOLDER/NAME_out.npz with what ``measure`` and ``continue_training`` give.
"""

from __future__ import annotations

import os
import sys

import numpy as np

import glassnet
from glassnet.errors import StateError
from glassnet.optimizers import Adam


def measure(model, x) -> dict[str, np.ndarray]:
    """Predictions, and codes / generated / sampled data (seeded) where the model has them."""
    if isinstance(model, glassnet.zoo.GAN):  # a GAN is called on codes, not on data
        x = np.random.default_rng(5).normal(size=(len(x), model.latent_dim)).astype(np.float32)
    out = {"predict": model.predict(x, verbose=0)}
    if hasattr(model, "encode"):
        out["encode"] = model.encode(x)
    if hasattr(model, "sample"):
        out["sample"] = model.sample(5, seed=3)
    if hasattr(model, "generate"):
        out["generate"] = model.generate(5, seed=3)
    return out


def continue_training(model, x, y) -> dict[str, np.ndarray]:
    """One more seeded epoch (a GAN is compiled afresh first); the weights after it."""
    if isinstance(model, glassnet.zoo.GAN):
        model.compile(d_optimizer=Adam(2e-4, beta_1=0.5), g_optimizer=Adam(2e-4, beta_1=0.5))
    glassnet.utils.set_random_seed(7)
    model.fit(x, y, epochs=1, batch_size=8, shuffle=True, verbose=0)
    return {f"weight_{i}": w.numpy() for i, w in enumerate(model.weights)}


def _run(folder: str, name: str) -> None:
    data = dict(np.load(os.path.join(folder, f"{name}_data.npz")))
    model = glassnet.load_model(os.path.join(folder, f"{name}.keras"))
    out = {**measure(model, data["x"]), "class": np.array(type(model).__name__)}
    out["compiled"] = np.array(getattr(model, "optimizer", None) is not None)
    if isinstance(model, glassnet.zoo.GAN):
        try:
            model.train_step(data["x"])
        except StateError as exc:
            out["uncompiled_error"] = np.array(str(exc))
    out.update(continue_training(model, data["x"], data.get("y")))
    np.savez(os.path.join(folder, f"{name}_out.npz"), **out)


if __name__ == "__main__":
    for name in sys.argv[2:]:
        _run(sys.argv[1], name)
