"""Which fixtures a guide's reader can reach: the pages it links to, and theirs.

A fixture's exports are in a reader's shell only if the guide sends the reader there.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

__all__ = ["linked_fixtures", "local_links"]


def local_links(links: tuple[str, ...], folder: Path) -> set[Path]:
    """The files a page's relative links lead to (fragments dropped; web links left out)."""
    found: set[Path] = set()
    for href in links:
        target = href.split("#", 1)[0].split("?", 1)[0]
        if not target or "://" in target or target.startswith(("mailto:", "/")):
            continue
        try:
            found.add((folder / target).resolve())
        except (OSError, ValueError):
            continue  # a link no file system could hold is no fixture either
    return found


def linked_fixtures(
    links: set[Path], fixtures: Mapping[str, tuple[Path, set[Path]]]
) -> frozenset[str]:
    """The fixtures a reader reaches from the guide's `links` by following links, page to page.

    `fixtures` maps each fixture's display path to its file and the files it links to.
    """
    reached = set(links)
    linked: set[str] = set()
    grew = True
    while grew:
        grew = False
        for shown, (file, links) in fixtures.items():
            if shown not in linked and file in reached:
                linked.add(shown)
                reached |= links
                grew = True
    return frozenset(linked)
