"""The inventory of seed programs is complete, and the program helpers do what they say."""

from __future__ import annotations

import pathlib
import re

import pytest

from tests.seeds._programs import SEEDS, assume, seed_text, to_glassnet, unwrap
from tests.seeds.inventory import ENTRIES

# A line of Keras code: a TensorFlow/Keras import, a keras./tf./K. call, or a Keras layer or
# model built by its bare name (not torch's nn.Sequential / nn.Dropout).
KERAS_LINE = re.compile(
    r"^\s*(import tensorflow|from tensorflow|import keras|from keras)|\b(keras|tf|K)\.\w"
    r"|(?<!\.)\b(Sequential|Dense|Dropout|LSTM|Conv2D|MaxPooling2D|BatchNormalization"
    r"|LeakyReLU|plot_model)\("
)


def _seeds() -> list[str]:
    names = sorted(path.name[:3] for path in SEEDS.glob("*.txt")) if SEEDS.is_dir() else []
    if not names:
        pytest.skip("seed documents not found beside the repository")
    return names


def test_every_line_of_keras_code_is_in_an_inventory_entry():
    missing = []
    for seed in _seeds():
        spans = [entry.lines() for entry in ENTRIES if entry.seed == seed]
        for number, line in enumerate(seed_text(seed).splitlines(), 1):
            if KERAS_LINE.search(line) and not any(a <= number <= b for a, b in spans):
                missing.append(f"{seed}:{number}: {line.strip()}")
    assert not missing, "Keras code outside the inventory:\n" + "\n".join(missing)


def test_seed_001_holds_seed_000_programs_with_the_layout_lost():
    def squeeze(text: str) -> str:  # why: drop layout, and the emoji each file spells apart
        return "".join("".join(line.split()) for line in text.splitlines() if line.isascii())

    duplicate = squeeze(next(e for e in ENTRIES if e.status == "duplicate").code())
    for entry in ENTRIES:
        if entry.seed == "000":
            assert squeeze(entry.code()) in duplicate, entry.key


def test_every_runnable_entry_has_a_test_and_the_rest_an_issue():
    tests = "".join(path.read_text() for path in pathlib.Path(__file__).parent.glob("test_*.py"))
    for entry in ENTRIES:
        if entry.status in ("runs", "xfail"):
            assert f'BY_KEY["{entry.key}"]' in tests, entry.key
        else:
            assert re.fullmatch(r"issue [45]|duplicate", entry.status), entry.key


def test_to_glassnet_changes_import_lines_only():
    program = (
        "import tensorflow as tf\nfrom tensorflow import keras\n"
        "    from tensorflow.keras.layers import Dense, Dropout\n"
        "from tensorflow.keras import backend as K\nimport keras\nfrom keras.models import Model\n"
        "x = tf.reduce_mean(keras.ops.abs(y))  # from tensorflow import keras\n"
    )
    assert to_glassnet(program) == (
        "from glassnet.keras import tf_compat as tf\nfrom glassnet import keras\n"
        "    from glassnet.keras.layers import Dense, Dropout\n"
        "from glassnet.keras import backend as K\nfrom glassnet import keras\n"
        "from glassnet.keras.models import Model\n"
        "x = tf.reduce_mean(keras.ops.abs(y))  # from tensorflow import keras\n"
    )


def test_unwrap_rejoins_wrapped_comments_and_imports_only():
    wrapped = (
        "```\nfrom a.b import c,\nd\nmodel.add(Dense(1)) #\nSingle layer, sigmoid\n"
        "# Output layer with Sigmoid\nactivation\n# Step 1: Prepare\nX, y = f(n=1,\n"
        "seed=2) # note\nA2 = s(Z2) # output\n(final output)\n# Step 3\ndef relu(Z):\n"
        "    return Z\n```\n"
    )
    assert unwrap(wrapped) == (
        "from a.b import c, d\nmodel.add(Dense(1)) # Single layer, sigmoid\n"
        "# Output layer with Sigmoid activation\n# Step 1: Prepare\nX, y = f(n=1,\n"
        "seed=2) # note\nA2 = s(Z2) # output (final output)\n# Step 3\ndef relu(Z):\n"
        "    return Z\n"
    )


def test_assume_runs_the_fit_the_text_comments_out():
    text = "# Assuming X_train and y_train are the training data\n# h = fit(X_train)\n# keep\n"
    assert (
        assume(text)
        == "# Assuming X_train and y_train are the training data\nh = fit(X_train)\n# keep\n"
    )
