"""Which documented array items are which real ones, when an array grew, shrank or changed.

An item the answer still has keeps its text (its layout, its examples, its `...`); only the
items that came or went are written or removed, and an item that changed is edited in place.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass

from runner.match.pairs import one_each

__all__ = ["Alignment", "align"]


@dataclass(frozen=True, slots=True)
class Alignment:
    """Documented item -> real item, for the items kept (`pairs`, in order) or edited."""

    pairs: tuple[tuple[int, int], ...]
    """(documented index, real index), in the documented order."""
    fitting: frozenset[int]
    """The documented indexes whose real item matches them as they are (no edit)."""
    removed: tuple[int, ...]
    """Documented items the answer no longer has."""
    added: tuple[int, ...]
    """Real items no documented item stands for."""


def align(fits: Sequence[Sequence[bool]], count: int, *, unordered: bool) -> Alignment:
    """Pair `len(fits)` documented items with `count` real ones: first the items that match
    as written (in order, the longest such run; in any order for `unordered`), then the rest,
    in order, between them (an item that changed is the same item, edited)."""
    documented = len(fits)
    if unordered:
        chosen = one_each([[j for j in range(count) if fits[i][j]] for i in range(documented)])
        matched = sorted(chosen.items())
    else:
        matched = _longest_run(fits, count)
    fitting = {i for i, _ in matched}
    pairs = list(matched)
    if unordered:
        left_doc = [i for i in range(documented) if i not in fitting]
        used = {j for _, j in matched}
        left_real = [j for j in range(count) if j not in used]
        pairs.extend(zip(left_doc, left_real, strict=False))
    else:
        # Between two matched items (or the ends), the rest pair up in order.
        anchors = [(-1, -1), *matched, (documented, count)]
        for (i0, j0), (i1, j1) in itertools.pairwise(anchors):
            pairs.extend(zip(range(i0 + 1, i1), range(j0 + 1, j1), strict=False))
    paired_doc = {i for i, _ in pairs}
    paired_real = {j for _, j in pairs}
    return Alignment(tuple(sorted(pairs)), frozenset(fitting),
                     tuple(i for i in range(documented) if i not in paired_doc),
                     tuple(j for j in range(count) if j not in paired_real))


def _longest_run(fits: Sequence[Sequence[bool]], count: int) -> list[tuple[int, int]]:
    """The most documented items matching real ones in the same order (ties: the pairing
    that keeps each item nearest its own index)."""
    documented = len(fits)
    best = [[0] * (count + 1) for _ in range(documented + 1)]
    for i in range(documented - 1, -1, -1):
        for j in range(count - 1, -1, -1):
            best[i][j] = max(best[i + 1][j], best[i][j + 1],
                             best[i + 1][j + 1] + 1 if fits[i][j] else 0)
    pairs: list[tuple[int, int]] = []
    i = j = 0
    while i < documented and j < count:
        if fits[i][j] and best[i][j] == best[i + 1][j + 1] + 1:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif best[i + 1][j] >= best[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs
