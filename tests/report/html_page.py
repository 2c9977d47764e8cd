"""An HTML report read back with the standard library's parser: its elements, their
attributes, its text as a reader sees it, and its tables."""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser

__all__ = ["Element", "Page", "read_page"]

_VOID = {"meta", "br", "hr", "img", "input", "link", "wbr", "col", "source", "area", "base"}


@dataclass
class Element:
    tag: str
    attrs: dict[str, str | None]
    text: str = ""
    """All text inside it, entities decoded."""
    children: list[Element] = field(default_factory=list)

    def find_all(self, tag: str) -> list[Element]:
        found = [self] if self.tag == tag else []
        for child in self.children:
            found += child.find_all(tag)
        return found

    @property
    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())


@dataclass
class Page:
    root: Element
    elements: list[Element]
    text: str
    """Every text node, decoded, joined by newlines (what a reader can see, and more)."""
    doctype: str | None

    def by_id(self, ident: str) -> Element:
        found = [e for e in self.elements if e.attrs.get("id") == ident]
        assert len(found) == 1, f"{len(found)} elements with id {ident!r}"
        return found[0]

    def table_rows(self, ident: str) -> dict[str, list[str]]:
        """A table's body rows: the row header's text -> the other cells' texts."""
        table = self.by_id(ident)
        rows = {}
        for row in table.find_all("tbody")[0].find_all("tr"):
            header = row.find_all("th")[0].text.strip()
            rows[header] = [cell.text.strip() for cell in row.find_all("td")]
        return rows


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.stack = [self.root]
        self.elements: list[Element] = []
        self.texts: list[str] = []
        self.doctype: str | None = None

    def handle_decl(self, decl: str) -> None:
        self.doctype = decl

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        element = Element(tag, dict(attrs))
        self.stack[-1].children.append(element)
        self.elements.append(element)
        if tag not in _VOID:
            self.stack.append(element)

    def handle_endtag(self, tag: str) -> None:
        assert self.stack[-1].tag == tag, f"</{tag}> closes <{self.stack[-1].tag}>"
        self.stack.pop()

    def handle_data(self, data: str) -> None:
        self.texts.append(data)
        for element in self.stack:
            element.text += data


def read_page(text: str) -> Page:
    """Parse a page, checking that every element is closed where it should be."""
    reader = _Reader()
    reader.feed(text)
    reader.close()
    assert reader.stack == [reader.root], "unclosed elements"
    return Page(reader.root, reader.elements, "\n".join(reader.texts), reader.doctype)
