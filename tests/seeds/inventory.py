"""Every Keras program in the seed documents, where it is, and what becomes of it here.

Each entry names a seed document (by its number), the text a program starts with and the
text that follows it. ``status`` is one of:

- ``runs``: a test in this package runs it on glassnet.
- ``xfail``: dense-only, but it needs something glassnet lacks outside the Keras face; its
  test is marked ``xfail(strict=True)`` with the reason, so it flips when that lands.
- ``issue N``: needs convolutional (issue 4) or recurrent (issue 5) layers; not run here.
- ``duplicate``: seed 001 is seed 000's text extracted again with the indentation lost (not
  valid Python as it stands); ``test_inventory`` checks that its programs are 000's.

``test_inventory`` checks that every line of Keras code in the seeds lies in one entry.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass

from tests.seeds._programs import program, seed_text, unwrap


@dataclass(frozen=True)
class Entry:
    key: str
    seed: str
    start: str
    end: str | None
    status: str
    what: str

    def code(self) -> str:
        """The program's text (seed 003: below its question line, PDF line wrapping undone)."""
        text = program(seed_text(self.seed), self.start, self.end)
        if self.seed == "003":
            return unwrap(text.split("\n", 1)[1])
        return textwrap.dedent(text)  # why: seed 000's Q10 snippets sit in an indented list

    def lines(self) -> tuple[int, int]:
        """First and last line numbers (1-based) of the program in its seed document."""
        text = seed_text(self.seed)
        first = text[: text.index(self.start)].count("\n") + 1
        return first, first + program(text, self.start, self.end).rstrip().count("\n")


def _practical(n: int, status: str, what: str) -> Entry:
    # why: seed 003's "Practical" questions are numbered 1..11; the text before them reuses
    # the same numbers, so each anchor carries its question's opening words.
    heads = {
        1: "1. How do you create a simple perceptron",
        2: "2. How can you build a neural network with one hidden layer",
        3: "3. How do you initialize weights using the Xavier",
        4: "4. How can you apply different activation functions",
        5: "5. How do you add dropout",
        6: "6. How do you manually implement forward propagation",
        7: "7. How do you add batch normalization",
        8: "8. How can you visualize the training process",
        9: "9. How can you use gradient clipping",
        10: "10. How can you create a custom loss function",
        11: "11. How can you visualize the structure",
    }
    return Entry(f"003-q{n}", "003", heads[n], heads.get(n + 1), status, what)


ENTRIES = (
    Entry("000-feedforward", "000", "import numpy as np\nimport tensorflow as tf",
          "Multi-class Classification with Iris", "runs",
          "create_model (Dense+Dropout), make_classification, 50 epochs, history plots"),
    Entry("000-iris", "000", "# Load Iris dataset", "Using PyTorch", "runs",
          "create_model on iris (softmax, sparse CE), classification report"),
    Entry("000-regularization", "000", "model.add(keras.layers.Dropout(0.5))", "Q5: Explain",
          "runs", "Dropout + compile(regularizers=l2(0.01)): a TypeError in Keras too"),
    Entry("000-batchnorm", "000",
          "model.add(keras.layers.Dense(64, activation='relu'))\nmodel.add(keras.layers.Batch",
          "Q9: What are", "runs", "fragment: Dense + BatchNormalization"),
    Entry("000-mlp", "000", "# Simple MLP", "CNN:", "runs", "Sequential 784-128-64-10 fragment"),
    Entry("000-cnn", "000", "# For image classification", "RNN:", "issue 4",
          "Conv2D + MaxPooling2D fragment"),
    Entry("000-rnn", "000", "# For sequence data", "Q10: How", "issue 5", "stacked LSTM fragment"),
    Entry("000-class-weight", "000", "from sklearn.utils.class_weight import",
          "  2. Resampling", "runs", "fit(class_weight=compute_class_weight('balanced'))"),
    Entry("000-weighted-bce", "000", "def weighted_binary_crossentropy", "  7. Focal Loss",
          "runs", "custom loss with K.mean / K.log (Keras 2 backend)"),
    Entry("000-focal", "000", "def focal_loss", "  8. Evaluation Metrics", "runs",
          "custom loss with tf.where / tf.log (tf.log is TensorFlow 1)"),
    Entry("000-cifar10", "000", "Real-world Example: Image Classification",
          "Time Series Prediction with RNN", "runs",
          "CNN on CIFAR-10: Conv2D, MaxPooling2D, ImageDataGenerator, datasets.cifar10"),
    Entry("000-lstm", "000", "Time Series Prediction with RNN/LSTM", "Foundational Books",
          "runs", "stacked LSTM forecaster on a synthetic series"),
    Entry("001-all", "001", "Using TensorFlow/Keras", "Foundational Books", "duplicate",
          "000's programs again, indentation lost"),
    Entry("002-keras", "002", "import tensorflow as tf", "Hyperparameters", "runs",
          "Dense+Dropout on make_classification, 50 epochs, history plots"),
    _practical(1, "runs", "perceptron on the AND gate, SGD, 10 epochs"),
    _practical(2, "runs", "one hidden layer on make_moons, 50 epochs"),
    _practical(3, "runs", "glorot_uniform / glorot_normal initializers, summary"),
    _practical(4, "runs", "relu/tanh/LeakyReLU(alpha=0.1), summary"),
    _practical(5, "runs", "Dropout; fit 'assuming X_train and y_train'"),
    _practical(7, "runs", "BatchNormalization + Activation; fit 'assuming X_train'"),
    _practical(8, "runs", "as 7, then loss and accuracy curves"),
    _practical(9, "runs", "Adam(clipnorm=1.0) then Adam(clipvalue=0.5) on random data"),
    _practical(10, "runs", "custom MAPE loss with tf.reduce_mean / tf.clip_by_value"),
    _practical(11, "runs", "summary and plot_model(to_file='model_plot.png')"),
)  # fmt: skip

BY_KEY = {entry.key: entry for entry in ENTRIES}
