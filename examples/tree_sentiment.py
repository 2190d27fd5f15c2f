"""Sentiment of phrases with nested negation: a Tree-LSTM against a bag of words.

Every phrase of the generated task has a twin with exactly the same words and the opposite
sentiment: ``(not (good and bad))`` is positive, ``((not good) and bad)`` negative. So a model
that sees only the words cannot beat chance, whatever its size; a child-sum Tree-LSTM, which
composes the phrase along its parse tree, can.

Run:
    python examples/tree_sentiment.py [--quick] [--out DIR]

It prints both models' test accuracy and a few phrases with the tree network's answer, tests
phrases bigger than any seen in training, and writes history.png (accuracy per epoch of both
models) to DIR (default: examples_output/).
"""

from __future__ import annotations

import argparse
import pathlib
import time

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402

import glassnet  # noqa: E402
from glassnet.zoo import (  # noqa: E402
    BagOfWordsClassifier,
    TreeClassifier,
    TreeVocabulary,
    encode_trees,
    negation_sentiment,
    parse_tree,
    tree_to_string,
)


def train(model, x, y, x_test, y_test, epochs):
    model.compile(optimizer=glassnet.optimizers.Adam(0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
    history = model.fit(x, y, batch_size=50, epochs=epochs, verbose=0,
                        validation_data=(x_test, y_test))  # fmt: skip
    return history.history


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="less data, 3 epochs")
    parser.add_argument("--out", default="examples_output", help="folder for the plot")
    args = parser.parse_args()
    out = pathlib.Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    n_train, epochs = (400, 3) if args.quick else (2000, 8)

    train_trees, y_train = negation_sentiment(n_train, seed=0)
    test_trees, y_test = negation_sentiment(600, seed=1)
    vocab = TreeVocabulary().fit(train_trees)
    x_train, x_test = encode_trees(train_trees, vocab), encode_trees(test_trees, vocab)
    print(f"{len(train_trees)} training phrases, vocabulary of {vocab.size} ids, "
          f"encoded as {x_train.shape} (trees, nodes, 1 + children)")  # fmt: skip

    histories = {}
    models = {"tree": TreeClassifier(vocab.size, 2, units=16),
              "bag of words": BagOfWordsClassifier(vocab.size, 2, embedding_dim=16,
                                                   hidden=112)}  # fmt: skip
    for name, model in models.items():
        glassnet.utils.set_random_seed(0)
        start = time.perf_counter()
        histories[name] = train(model, x_train, y_train, x_test, y_test, epochs)
        print(f"{name:>12}: {model.count_params()} weights, test accuracy "
              f"{histories[name]['val_accuracy'][-1]:.3f} ({time.perf_counter() - start:.1f} s)")  # fmt: skip

    tree_model = models["tree"]
    phrases = ["(not (good and bad))", "((not good) and bad)", "(never (very (not fun)))",
               "(quite (sad and (not awful)))"]  # fmt: skip
    probs = tree_model.predict(encode_trees(phrases, vocab))
    for text, p in zip(phrases, probs):
        print(f"  {text:<32} positive with p = {p[1]:.3f}")

    big, y_big = negation_sentiment(400, adjectives=(4, 4), negations=(3, 3), seed=2)
    x_big = encode_trees(big, vocab)
    acc = tree_model.evaluate(x_big, y_big, batch_size=400, return_dict=True)["accuracy"]
    print(f"bigger phrases than in training (4 adjectives, 3 negations, e.g. "
          f"{tree_to_string(big[0])}): tree accuracy {acc:.3f}")  # fmt: skip
    assert parse_tree(tree_to_string(big[0])) == big[0]

    fig, ax = plt.subplots(figsize=(6, 4))
    for name, history in histories.items():
        epochs_axis = range(1, len(history["val_accuracy"]) + 1)
        ax.plot(epochs_axis, history["val_accuracy"], marker="o", label=f"{name} (test)")
    ax.axhline(0.5, color="0.6", linestyle="--", label="chance")
    ax.set(xlabel="epoch", ylabel="accuracy", ylim=(0.4, 1.02),
           title="Nested negation: tree vs bag of words")  # fmt: skip
    ax.legend()
    fig.savefig(out / "history.png", dpi=100, bbox_inches="tight")
    print(f"wrote {out / 'history.png'}")


if __name__ == "__main__":
    main()
