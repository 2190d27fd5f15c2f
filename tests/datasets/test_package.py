"""The public surface of glassnet.datasets and its import-time dependencies."""

from __future__ import annotations

import subprocess
import sys

import glassnet.datasets


def test_public_names_snapshot():
    assert glassnet.datasets.__all__ == [
        "blobs",
        "circles",
        "classification",
        "digits",
        "gates",
        "gaussian_ring",
        "iris",
        "mnist1d",
        "moons",
        "ring_centres",
        "spirals",
        "synthetic_time_series",
        "xor",
    ]
    for name in glassnet.datasets.__all__:
        assert callable(getattr(glassnet.datasets, name))


def test_importing_datasets_needs_numpy_only():
    code = (
        "import sys, glassnet.datasets\n"
        "loaded = [m for m in ('sklearn', 'mnist1d', 'scipy', 'pandas') if m in sys.modules]\n"
        "sys.exit(len(loaded))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=60)
    assert result.returncode == 0, result.stderr.decode()
