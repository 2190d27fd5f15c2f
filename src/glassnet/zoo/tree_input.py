"""Tree input: parse strings, nested tuples, vocabularies and the integer encoding ``fit`` takes.

A tree is a word (a ``str``: a leaf) or a tuple of trees (an inner node with those children):
``("not", ("very", "good"))`` is the tree the parse string ``"(not (very good))"`` describes.
``encode_trees`` turns a list of trees into one integer array (N, M, 1 + K), padded to the
largest tree, which ``fit`` slices into batches like any other array.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from glassnet.errors import ShapeError, StateError

__all__ = ["NODE", "PAD", "UNK", "Tree", "TreeVocabulary", "encode_trees", "parse_tree",
           "tree_to_string"]  # fmt: skip

Tree = str | tuple
PAD, UNK, NODE = "<pad>", "<unk>", "<node>"
_TOKEN = re.compile(r"\(|\)|[^\s()]+")


def parse_tree(text: str) -> Tree:
    """Parse a bracketed tree: ``"(not (very good))"`` -> ``("not", ("very", "good"))``.

    Words are separated by spaces; brackets make inner nodes; a bare word is a one-node tree.

    Args:
        text: the bracketed string.

    Returns:
        The tree as nested tuples of words.

    Raises:
        ValueError: for unbalanced brackets, an empty pair ``()``, or extra text after the tree.

    Example:
        >>> parse_tree("(good and (not bad))")
        ('good', 'and', ('not', 'bad'))
    """
    tokens = _TOKEN.findall(text) if isinstance(text, str) else None
    if not tokens:
        raise ValueError(f"parse_tree: expected a bracketed tree such as '(not good)', got "
                         f"{text!r}.")  # fmt: skip
    stack: list[list] = [[]]
    for token in tokens:
        if token == "(":
            stack.append([])
        elif token == ")":
            if len(stack) == 1 or not stack[-1]:
                what = "an empty pair ()" if len(stack) > 1 else "a ')' without its '('"
                raise ValueError(f"parse_tree: found {what} in {text!r}.")
            node = tuple(stack.pop())
            stack[-1].append(node)
        else:
            stack[-1].append(token)
    if len(stack) != 1 or len(stack[0]) != 1:
        what = "a '(' without its ')'" if len(stack) != 1 else "more than one tree"
        raise ValueError(f"parse_tree: found {what} in {text!r}. Wrap the whole text in ().")
    return stack[0][0]


def tree_to_string(tree: Tree) -> str:
    """The bracketed string of a tree (the inverse of ``parse_tree``).

    Example:
        >>> tree_to_string(("not", ("very", "good")))
        '(not (very good))'
    """
    if isinstance(tree, str):
        return tree
    return "(" + " ".join(tree_to_string(child) for child in tree) + ")"


def _check_tree(tree: Any, who: str) -> None:
    if isinstance(tree, str):
        if not tree or tree in (PAD, NODE) or any(c.isspace() or c in "()" for c in tree):
            raise ValueError(f"{who}: expected words without spaces or brackets (and not "
                             f"{PAD!r} or {NODE!r}), got {tree!r}.")  # fmt: skip
        return
    if not isinstance(tree, tuple) or not tree:
        raise TypeError(
            f"{who}: expected a tree (a word, or a non-empty tuple of trees), got "
            f"{tree!r}. Parse strings with parse_tree first."
        )
    for child in tree:
        _check_tree(child, who)


def _words(tree: Tree) -> Iterable[str]:
    if isinstance(tree, str):
        yield tree
    else:
        for child in tree:
            yield from _words(child)


class TreeVocabulary:
    """Maps words to token ids: 0 padding, 1 unknown words, 2 inner nodes, then the words.

    Args:
        min_count: keep only words seen at least this often in ``fit`` (others are unknown).

    Example:
        >>> vocab = TreeVocabulary().fit([("not", ("very", "good"))])
        >>> vocab.size, vocab.ids(["good", "ugly"])
        (6, [3, 1])
    """

    def __init__(self, min_count: int = 1) -> None:
        self.min_count = int(min_count)
        self.tokens: list[str] = [PAD, UNK, NODE]
        self.index: dict[str, int] = {t: i for i, t in enumerate(self.tokens)}
        self.fitted = False

    @property
    def size(self) -> int:
        """Number of ids (the ``input_dim`` of ``TreeLSTM``)."""
        return len(self.tokens)

    def fit(self, trees: Iterable[Tree]) -> TreeVocabulary:
        """Add every word of ``trees`` (sorted by count, then alphabetically); returns self."""
        counts: dict[str, int] = {}
        for tree in trees:
            _check_tree(tree, "TreeVocabulary.fit")
            for word in _words(tree):
                counts[word] = counts.get(word, 0) + 1
        kept = sorted((w for w, c in counts.items() if c >= self.min_count and w not in
                       self.index), key=lambda w: (-counts[w], w))  # fmt: skip
        for word in kept:
            self.index[word] = len(self.tokens)
            self.tokens.append(word)
        self.fitted = True
        return self

    def ids(self, words: Iterable[str]) -> list[int]:
        """Token ids of words (1 for words not in the vocabulary)."""
        return [self.index.get(w, 1) for w in words]

    def get_config(self) -> dict[str, Any]:
        """The vocabulary as plain JSON data (tokens in id order), e.g. to save next to a model."""
        return {"min_count": self.min_count, "tokens": list(self.tokens), "fitted": self.fitted}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> TreeVocabulary:
        """The vocabulary of ``get_config()``: the same id for every word.

        Raises:
            ValueError: unless 'tokens' lists distinct words after the three special tokens.
        """
        tokens = config.get("tokens")
        if (not isinstance(tokens, list) or tokens[:3] != [PAD, UNK, NODE] or len(set(tokens))
                != len(tokens) or not all(isinstance(t, str) for t in tokens)):  # fmt: skip
            raise ValueError(
                f"TreeVocabulary.from_config: expected 'tokens' as a list of distinct words "
                f"starting with {[PAD, UNK, NODE]}, got {str(tokens)[:80]}. Pass the output of "
                "get_config()."
            )
        vocab = cls(config.get("min_count", 1))
        vocab.tokens, vocab.index = list(tokens), {t: i for i, t in enumerate(tokens)}
        vocab.fitted = bool(config.get("fitted", True))
        return vocab


def _post_order(tree: Tree, vocab: TreeVocabulary, rows: list[list[int]]) -> int:
    """Append the rows of ``tree``'s nodes, children first; return the root's position."""
    if isinstance(tree, str):
        rows.append([vocab.index.get(tree, 1)])
        return len(rows) - 1
    kids = [_post_order(child, vocab, rows) for child in tree]
    rows.append([vocab.index[NODE], *kids])
    return len(rows) - 1


def encode_trees(
    trees: Sequence[Tree], vocab: TreeVocabulary, *, max_nodes: int | None = None,
    max_children: int | None = None,
) -> np.ndarray:  # fmt: skip
    """Encode trees as one integer array that ``fit`` can batch and ``TreeLSTM`` reads.

    Args:
        trees: trees (nested tuples) or bracketed strings.
        vocab: a fitted ``TreeVocabulary``.
        max_nodes, max_children: pad to these sizes (default: the largest in ``trees``),
            so that arrays encoded separately (train, test) can share one shape.

    Returns:
        int32 array (N, M, 1 + K): per node its token id (inner nodes: the ``<node>`` id),
        then its children's positions (-1: none); nodes children first, root last, padding
        rows all 0 / -1.

    Raises:
        StateError: if ``vocab`` was not fitted.
        ShapeError: if a tree has more nodes or children than ``max_nodes``/``max_children``.

    Example:
        >>> vocab = TreeVocabulary().fit(["good"])
        >>> encode_trees(["(not good)"], vocab)[0].tolist()  # 'not' is unknown here: id 1
        [[1, -1, -1], [3, -1, -1], [2, 0, 1]]
    """
    if not vocab.fitted:
        raise StateError("encode_trees: expected a fitted TreeVocabulary, got an empty one. "
                         "Call vocab.fit(trees) first.")  # fmt: skip
    encoded = []
    for tree in trees:
        tree = parse_tree(tree) if isinstance(tree, str) and "(" in tree else tree
        _check_tree(tree, "encode_trees")
        rows: list[list[int]] = []
        _post_order(tree, vocab, rows)
        encoded.append(rows)
    if not encoded:
        raise ShapeError("encode_trees: expected at least one tree, got none.")
    m = max(len(rows) for rows in encoded)
    k = max(1, max(len(row) - 1 for rows in encoded for row in rows))
    for name, have, limit in (("max_nodes", m, max_nodes), ("max_children", k, max_children)):
        if limit is not None and have > limit:
            raise ShapeError(f"encode_trees: expected trees within {name}={limit}, got one "
                             f"with {have}. Raise {name}.")  # fmt: skip
    m, k = max_nodes or m, max_children or k
    out = np.full((len(encoded), m, 1 + k), -1, np.int32)
    out[:, :, 0] = 0
    for n, rows in enumerate(encoded):
        for j, row in enumerate(rows):
            out[n, j, : len(row)] = row
    return out
