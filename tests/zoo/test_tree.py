"""Tree networks: tree input, the level-batched child-sum Tree-LSTM (against node-by-node
recursion and finite differences) and the learning test (tree >= 0.90 where words alone
cannot beat chance)."""

from __future__ import annotations

import numpy as np
import pytest

import glassnet
from glassnet.errors import ShapeError, StateError
from glassnet.layers import LAYERS
from glassnet.layers.tree import TreeLSTM, child_sum_tree_lstm, tree_schedule
from glassnet.zoo.tree import BagOfWordsClassifier, TreeClassifier
from glassnet.zoo.tree_data import negation_sentiment, phrase_sentiment
from glassnet.zoo.tree_input import (
    TreeVocabulary,
    _words,
    encode_trees,
    parse_tree,
    tree_to_string,
)

TREES = ["(not (very good))", "bad", "(good and (not bad))", "(a (b c d) (e))", "(x)"]


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def _recursive(tree, vocab, emb, kernel, rec, bias):
    """Reference: Tai et al.'s equations applied node by node, by plain recursion."""
    u = rec.shape[0]
    kids = [] if isinstance(tree, str) else [_recursive(c, vocab, emb, kernel, rec, bias)
                                             for c in tree]  # fmt: skip
    token = vocab.index.get(tree, 1) if isinstance(tree, str) else vocab.index["<node>"]
    z = emb[token] @ kernel + bias
    h_sum = sum((h for h, _ in kids), np.zeros(u))
    i = _sigmoid(z[:u] + h_sum @ rec[:, :u])
    g = np.tanh(z[2 * u : 3 * u] + h_sum @ rec[:, 2 * u : 3 * u])
    o = _sigmoid(z[3 * u :] + h_sum @ rec[:, 3 * u :])
    c = i * g + sum(_sigmoid(z[u : 2 * u] + h @ rec[:, u : 2 * u]) * ck for h, ck in kids)
    return o * np.tanh(c), c


def test_parse_tree_and_tree_to_string_round_trip():
    assert parse_tree("(not (very good))") == ("not", ("very", "good"))
    assert parse_tree("  good ") == "good"
    assert parse_tree("(a (b c d) (e))") == ("a", ("b", "c", "d"), ("e",))
    for text in TREES:
        assert tree_to_string(parse_tree(text)) == text


@pytest.mark.parametrize(
    ("text", "match"),
    [("(not good", r"a '\(' without its '\)'"), ("good)", r"a '\)' without its '\('"),
     ("(a ())", r"an empty pair \(\)"), ("(a) (b)", "more than one tree"),
     ("", "expected a bracketed tree")],
)  # fmt: skip
def test_parse_tree_errors_say_what_is_wrong(text, match):
    with pytest.raises(ValueError, match=match):
        parse_tree(text)


def test_vocabulary_and_encoding_number_children_first():
    vocab = TreeVocabulary().fit([parse_tree(t) for t in TREES])
    assert vocab.tokens[:3] == ["<pad>", "<unk>", "<node>"]
    x = encode_trees(TREES + [("zzz", "good")], vocab)
    assert x.dtype == np.int32 and x.shape == (6, 8, 4)  # (a (b c d) (e)): 8 nodes, 3 kids
    good, very, node = vocab.index["good"], vocab.index["very"], vocab.index["<node>"]
    assert x[0, :5].tolist() == [
        [vocab.index["not"], -1, -1, -1],
        [very, -1, -1, -1],
        [good, -1, -1, -1],
        [node, 1, 2, -1],
        [node, 0, 3, -1],
    ]
    assert (x[0, 5:, 0] == 0).all() and (x[0, 5:, 1:] == -1).all()  # padding rows
    assert x[5, 0, 0] == 1  # unknown word
    assert encode_trees(["good"], vocab, max_nodes=4, max_children=2).shape == (1, 4, 3)


def test_encoding_errors():
    with pytest.raises(StateError, match="expected a fitted TreeVocabulary"):
        encode_trees(["good"], TreeVocabulary())
    vocab = TreeVocabulary().fit(["good"])
    with pytest.raises(ShapeError, match="within max_nodes=2, got one with 3"):
        encode_trees(["(not good)"], vocab, max_nodes=2)
    with pytest.raises(TypeError, match="expected a tree"):
        encode_trees([("good", ())], vocab)
    with pytest.raises(ValueError, match="without spaces or brackets"):
        encode_trees([("very good",)], vocab)
    with pytest.raises(ShapeError, match="encode_trees: expected at least one tree, got none"):
        encode_trees([], vocab)


def test_schedule_groups_nodes_by_height_across_the_batch():
    vocab = TreeVocabulary().fit([parse_tree(t) for t in TREES])
    s = tree_schedule(encode_trees(TREES, vocab))
    # 14 leaves (3 + 1 + 4 + 5 + 1), 5 nodes of height 1, 3 of height 2; stable within each
    assert s.bounds == [0, 14, 19, 22]
    assert s.roots.tolist() == [19, 3, 20, 21, 18]  # 'bad' is a leaf, '(x)' has height 1
    assert [m.shape for m in s.child_mask] == [(14, 3), (5, 3), (3, 3)]
    # '(x)': its one child is 'x', the last leaf (row 13)
    assert s.child_rows[1][-1].tolist() == [13, 0, 0] and s.child_mask[1][-1].tolist() == [1, 0, 0]


@pytest.mark.parametrize(
    ("trees", "match"),
    [([[[3, -1], [0, -1], [4, -1]]], "padding .token 0. before a real node"),
     ([[[3, 1], [4, -1]]], "a child at or after its parent"),
     ([[[3, -1], [0, 0]]], "children on a padding node"),
     ([[[0, -1]]], "a tree without nodes"), ([[[3, -2]]], "child positions below -1"),
     ([[[-3, -1]]], "negative token ids"), ([[[3]]], r"of shape \(N, M, 1 \+ K\)")],
)  # fmt: skip
def test_schedule_refuses_what_is_not_a_batch_of_trees(trees, match):
    with pytest.raises(ShapeError, match=match):
        tree_schedule(np.array(trees))
    with pytest.raises(ShapeError, match="TreeLSTM 'tl'.*" + match):
        TreeLSTM(2, input_dim=9, name="tl")(np.array(trees))


def test_level_batching_equals_node_by_node_recursion():
    glassnet.utils.set_random_seed(3)
    trees = [parse_tree(t) for t in TREES] + negation_sentiment(6, seed=2)[0]
    vocab = TreeVocabulary().fit(trees)
    layer = TreeLSTM(5, input_dim=vocab.size, embedding_dim=4, dtype="float64",
                     bias_initializer="random_normal")  # fmt: skip
    roots = TreeLSTM.from_config({**layer.get_config(), "return_nodes": True})
    x = encode_trees(trees, vocab)
    batched = layer(x).numpy()
    roots(x)
    roots.set_weights(layer.get_weights())
    out, nodes = roots(x)
    weights = [w.data for w in layer.weights]
    for n, tree in enumerate(trees):
        h, _ = _recursive(tree, vocab, *weights)
        np.testing.assert_allclose(batched[n], h, rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(nodes.numpy()[n, (x[n, :, 0] != 0).sum() - 1], h, atol=1e-12)
    np.testing.assert_array_equal(out.numpy(), batched)
    assert (nodes.numpy()[x[:, :, 0] == 0] == 0).all()


def test_tree_lstm_gradients_match_finite_differences_through_the_level_batches():
    rng = np.random.default_rng(0)
    vocab = TreeVocabulary().fit([parse_tree(t) for t in TREES])
    schedule = tree_schedule(encode_trees(TREES, vocab))
    n, m = len(TREES), 8
    feats, units = 3, 4
    x = rng.normal(size=(n, m, feats))
    kernel = rng.normal(scale=0.5, size=(feats, 4 * units))
    rec = rng.normal(scale=0.5, size=(units, 4 * units))
    bias = rng.normal(scale=0.5, size=(4 * units,))

    def fn(xx, k, r, b):
        return list(child_sum_tree_lstm(xx, schedule, k, r, b))  # h and c of every node

    assert glassnet.gradcheck(fn, x, kernel, rec, bias, atol=1e-7, rtol=1e-5)


def test_schedule_error_says_how_trees_are_numbered():
    with pytest.raises(ShapeError, match=r"tree_schedule: expected trees numbered children "
                       r"first \(each child's position below its parent's, -1 for none, token 0 "
                       r"only as padding after the nodes\), got .*\. "
                       r"Encode trees with glassnet\.zoo\.encode_trees") as err:  # fmt: skip
        tree_schedule(np.array([[[3, 1], [4, -1]]]))
    assert "got a child at or after its parent." in str(err.value)


def test_tree_lstm_layer_config_round_trip_shapes_and_errors():
    vocab = TreeVocabulary().fit([parse_tree(t) for t in TREES])
    x = encode_trees(TREES, vocab)
    layer = TreeLSTM(6, input_dim=vocab.size, embedding_dim=3, name="tree")
    y = layer(x)
    assert y.shape == (5, 6) and y.dtype == np.float32
    assert [w.shape for w in layer.weights] == [(vocab.size, 3), (3, 24), (6, 24), (24,)]
    assert layer.bias.numpy()[6:12].tolist() == [1.0] * 6  # unit_forget_bias
    assert layer.compute_output_shape((None, 8, 4)) == (None, 6)
    clone = LAYERS.get("TreeLSTM").from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    np.testing.assert_array_equal(clone(x).numpy(), y.numpy())
    with pytest.raises(TypeError, match="expected integer trees"):
        layer(x.astype(np.float32))
    with pytest.raises(ShapeError, match=r"expected token ids in \[0, \d+\], got 99"):
        layer(np.array([[[99, -1]]]))
    with pytest.raises(glassnet.errors.ConfigError, match="'units' argument of TreeLSTM"):
        TreeLSTM(0, input_dim=3)


def test_negation_sentiment_pairs_share_their_words():
    trees, labels = negation_sentiment(40, seed=5)
    assert labels.tolist() == [1, 0] * 20
    for pos, neg in zip(trees[::2], trees[1::2]):
        assert sorted(_words(pos)) == sorted(_words(neg))
        assert (phrase_sentiment(pos), phrase_sentiment(neg)) == (1, 0)
    assert phrase_sentiment(parse_tree("(not (good and bad))")) == 1
    assert phrase_sentiment(parse_tree("((not good) and bad)")) == 0
    with pytest.raises(ValueError, match="at least 2 adjectives and 1 negation"):
        negation_sentiment(4, adjectives=(1, 2))


@pytest.mark.parametrize(
    ("tree", "match"),
    [("meh", r"phrase_sentiment: expected an adjective \(good, .*, sad\) at each leaf, got the "
             r"word 'meh'\. Build phrases from the grammar's words"),
     (("not", "meh"), r"phrase_sentiment: expected an adjective .* got the word 'meh'"),
     (("very", "meh"), r"phrase_sentiment: expected an adjective .* got the word 'meh'"),
     (("meh", "and", "good"), r"phrase_sentiment: expected an adjective .* got the word 'meh'"),
     (("good", "or", "bad"), r"phrase_sentiment: expected a phrase of the grammar: an "
      r"adjective, \(NEG phrase\) with NEG in .*; got \('good', 'or', 'bad'\)\. See the grammar"),
     (("not", ("good", "bad")), r"phrase_sentiment: expected a phrase of the grammar: .*; got "
      r"\('good', 'bad'\)"),
     (("very", ("a",)), r"phrase_sentiment: expected a phrase of the grammar: .*; got \('a',\)"),
     ((("x", "y"), "and", "good"), r"phrase_sentiment: expected a phrase of the grammar: .*; got "
      r"\('x', 'y'\)")],
)  # fmt: skip
def test_phrase_sentiment_names_what_is_not_in_the_grammar(tree, match):
    with pytest.raises(ValueError, match=match):
        phrase_sentiment(tree)


def test_tree_network_learns_nested_negation_where_bag_of_words_cannot():
    train, y_train = negation_sentiment(1000, seed=0)
    test, y_test = negation_sentiment(600, seed=1)
    vocab = TreeVocabulary().fit(train)
    x_train, x_test = encode_trees(train, vocab), encode_trees(test, vocab)
    results = {}
    for name, make in (
        ("tree", lambda: TreeClassifier(vocab.size, 2, units=16)),
        ("bag", lambda: BagOfWordsClassifier(vocab.size, 2, embedding_dim=16, hidden=112)),
    ):
        glassnet.utils.set_random_seed(0)
        model = make()
        model.compile(optimizer=glassnet.optimizers.Adam(0.01),
                      loss="sparse_categorical_crossentropy", metrics=["accuracy"])  # fmt: skip
        model.fit(x_train, y_train, batch_size=50, epochs=8, verbose=0)
        results[name] = model.evaluate(x_test, y_test, batch_size=600, return_dict=True)
        results[name]["params"] = model.count_params()
    # same embedding size; the baseline's hidden layer gives it the tree's weight budget
    assert abs(results["bag"]["params"] / results["tree"]["params"] - 1) < 0.1, results
    assert results["tree"]["accuracy"] >= 0.90, results
    assert results["bag"]["accuracy"] < 0.75, results
