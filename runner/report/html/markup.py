"""Text into HTML, masked on the way: every text and attribute value passes the run's secret
set and the shape pass (JWTs, client secrets) before it is escaped, so a secret written with
`&` or `<` is still found (escaping first would hide it from the mask)."""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable

from runner.secrets import mask_shapes

__all__ = ["Markup"]

# XML 1.0 characters HTML cannot carry, and half surrogate pairs UTF-8 cannot encode: shown
# as escapes, the way the terminal shows control characters.
_INVISIBLE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


class Markup:
    """Escapes (and masks) text for the page, and builds elements from escaped parts."""

    def __init__(self, mask: Callable[[str], str]) -> None:
        self._mask = mask

    def text(self, value: object) -> str:
        """`value` as element content: masked, control characters shown, escaped."""
        return html.escape(self._clean(str(value)), quote=False)

    def attr(self, value: object) -> str:
        """`value` as a quoted attribute value's content."""
        return html.escape(self._clean(str(value)), quote=True)

    def tag(self, name: str, *content: str, **attributes: object) -> str:
        """`<name attr="...">content</name>`; `content` is markup already (use `text` first).

        `class_` is written `class`; None and False attributes are left out, True is bare.
        """
        return f"<{name}{self.attributes(attributes)}>{''.join(content)}</{name}>"

    def attributes(self, attributes: dict[str, object]) -> str:
        """` a="b" c` for the attributes given (see `tag`)."""
        out = []
        for key, value in attributes.items():
            if value is None or value is False:
                continue
            key = key.rstrip("_").replace("_", "-")
            out.append(f" {key}" if value is True else f' {key}="{self.attr(value)}"')
        return "".join(out)

    def join(self, parts: Iterable[str]) -> str:
        """Markup parts, one a line."""
        return "\n".join(parts)

    def _clean(self, value: str) -> str:
        return _INVISIBLE.sub(_escape, mask_shapes(self._mask(value)))


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group(0))
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
