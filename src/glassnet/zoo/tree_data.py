"""A generated task where structure matters: the sentiment of phrases with nested negation.

Phrases are built from a small grammar, each with the sentiment its structure gives it:

    phrase := ADJ                        good, great, nice, fun  -> positive
                                          bad, awful, dull, sad   -> negative
            | (NEG phrase)               not, never              -> the opposite
            | (INT phrase)               very, really, quite     -> the same
            | (phrase and phrase)        positive only when both are ("negative wins")

The same words in another structure give another answer: ``(not (good and bad))`` is
positive, ``((not good) and bad)`` negative. A bag of words cannot tell them apart.
"""

from __future__ import annotations

import numpy as np

from glassnet.zoo.tree_input import Tree

__all__ = ["NEGATIONS", "negation_sentiment", "phrase_sentiment"]

POSITIVE = ("good", "great", "nice", "fun")
NEGATIVE = ("bad", "awful", "dull", "sad")
NEGATIONS = ("not", "never")
INTENSIFIERS = ("very", "really", "quite")


def phrase_sentiment(tree: Tree) -> int:
    """1 for a positive phrase of the grammar above, 0 for a negative one.

    Example:
        >>> phrase_sentiment(("not", ("good", "and", "bad"))), phrase_sentiment((("not", "good"), "and", "bad"))
        (1, 0)
    """  # noqa: E501
    if isinstance(tree, str):
        if tree in POSITIVE or tree in NEGATIVE:
            return int(tree in POSITIVE)
        raise ValueError(
            f"phrase_sentiment: expected an adjective ({', '.join(POSITIVE + NEGATIVE)}) at "
            f"each leaf, got the word {tree!r}. Build phrases from the grammar's words."
        )
    if len(tree) == 2 and tree[0] in NEGATIONS:
        return 1 - phrase_sentiment(tree[1])
    if len(tree) == 2 and tree[0] in INTENSIFIERS:
        return phrase_sentiment(tree[1])
    if len(tree) == 3 and tree[1] == "and":
        return phrase_sentiment(tree[0]) & phrase_sentiment(tree[2])
    raise ValueError(
        "phrase_sentiment: expected a phrase of the grammar: an adjective, (NEG phrase) with NEG "
        f"in {NEGATIONS}, (INT phrase) with INT in {INTENSIFIERS} or (phrase and phrase); got "
        f"{tree!r}. See the grammar in glassnet.zoo.tree_data's docstring."
    )


def _structure(rng: np.random.Generator, adjectives: list[str], modifiers: list[str]) -> Tree:
    """A random phrase of the grammar using exactly these adjectives and modifiers."""
    rng.shuffle(modifiers)
    if len(adjectives) == 1:
        tree: Tree = adjectives[0]
        outer = modifiers
    else:
        cut = int(rng.integers(1, len(adjectives)))
        left, right, outer = np.split(
            np.array(modifiers, dtype=object), np.sort(rng.integers(0, len(modifiers) + 1, 2))
        )
        tree = (_structure(rng, adjectives[:cut], list(left)), "and",
                _structure(rng, adjectives[cut:], list(right)))  # fmt: skip
    for word in outer:
        tree = (str(word), tree)
    return tree


def negation_sentiment(
    n: int, *, adjectives: tuple[int, int] = (2, 3), negations: tuple[int, int] = (1, 2),
    intensifiers: tuple[int, int] = (0, 1), seed: int = 0,
) -> tuple[list[Tree], np.ndarray]:  # fmt: skip
    """Pairs of phrases with the same words and opposite sentiment, and their labels.

    Each pair draws a bag of words (how many adjectives, negations and intensifiers: a
    uniform count in each inclusive range), then random structures of the grammar over
    exactly that bag until one of each sentiment turns up. So every bag of words in the data
    is positive exactly as often as negative: a model that sees only the words (in any
    order, with any capacity) cannot beat 50% on average; only the structure tells.

    Args:
        n: number of phrases (rounded up to an even number: pairs).
        adjectives, negations, intensifiers: inclusive ranges of word counts per phrase
            (at least 2 adjectives and 1 negation, or no bag has both sentiments).
        seed: seeds the generator.

    Returns:
        ``(trees, labels)``: nested tuples, and int64 labels (N,) (1: positive).

    Example:
        >>> trees, labels = negation_sentiment(2, seed=1)
        >>> len(trees), labels.tolist()
        (2, [1, 0])
    """
    if adjectives[0] < 2 or negations[0] < 1:
        raise ValueError(
            "negation_sentiment: expected at least 2 adjectives and 1 negation per phrase, "
            f"got adjectives={adjectives}, negations={negations}. With fewer, the words "
            "alone decide the sentiment."
        )
    rng = np.random.default_rng(seed)
    trees: list[Tree] = []
    while len(trees) < n:
        count = {k: int(rng.integers(lo, hi + 1)) for k, (lo, hi) in
                 (("a", adjectives), ("n", negations), ("i", intensifiers))}  # fmt: skip
        adjs = [str(w) for w in rng.choice(POSITIVE + NEGATIVE, count["a"])]
        mods = [str(w) for w in rng.choice(NEGATIONS, count["n"])]
        mods += [str(w) for w in rng.choice(INTENSIFIERS, count["i"])]
        found: dict[int, Tree] = {}
        for _ in range(40):
            tree = _structure(rng, list(adjs), list(mods))
            found.setdefault(phrase_sentiment(tree), tree)
            if len(found) == 2:
                trees += [found[1], found[0]]
                break
    labels = np.tile([1, 0], len(trees) // 2).astype(np.int64)
    return trees, labels
