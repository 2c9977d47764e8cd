"""Pairing documented items with real ones for an unordered array: one real item each."""

from __future__ import annotations

__all__ = ["one_each"]


def one_each(fits: list[list[int]]) -> dict[int, int]:
    """A real item for as many documented items as possible, none used twice.

    `fits[d]` lists the real items documented item `d` matches. Augmenting paths (Kuhn):
    each documented item, in order, takes a free real item or moves an earlier one to
    another it also fits.
    """
    owner: dict[int, int] = {}  # real index -> documented position

    def place(position: int, seen: set[int]) -> bool:
        for index in fits[position]:
            if index in seen:
                continue
            seen.add(index)
            if index not in owner or place(owner[index], seen):
                owner[index] = position
                return True
        return False

    for position in range(len(fits)):
        place(position, set())
    return {position: index for index, position in owner.items()}
