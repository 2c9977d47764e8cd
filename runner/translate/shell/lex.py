"""Shell words, lexed from their source bytes with bash's quoting rules into IR parts.

tree-sitter-bash finds where a word starts and ends (and where its `$(...)` are), but its
view of a word's inside is lossy (`$"x"` becomes two words, `${A:-a b}` keeps the space in a
`word` leaf), so the inside is read here, byte by byte, the way bash reads it. Every syntax
character is ASCII and UTF-8 never reuses ASCII bytes inside a multi-byte character, so
lexing bytes is safe; literal text is decoded once per run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from enum import Enum

from runner.model import CommandSubstitution, DocError, Invocation, Literal, Parameter, Part, Word
from runner.translate.shell.ansi import ansi_c
from runner.translate.shell.errors import Locator, backquote_message
from runner.translate.shell.parts import PartBuilder

__all__ = ["Mode", "WordLexer"]

_NAME_START = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NAME_CHARS = _NAME_START | frozenset(b"0123456789")
_SPECIAL_PARAMETERS = frozenset(b"@*#?-$!0123456789")
# Bytes that end a run of plain text, per context.
_UNQUOTED_STOP = re.compile(rb"[\\'\"$`\s<>()|&;]")
_DEFAULT_STOP = re.compile(rb"[\\'\"$`}]")
_DQ_STOP = re.compile(rb'[\\"$`]')
_DQ_DEFAULT_STOP = re.compile(rb'[\\"$`}]')
_HEREDOC_STOP = re.compile(rb"[\\$`\n]")
_HEREDOC_DEFAULT_STOP = re.compile(rb"[\\$`\n}]")
# Unquoted `{a,b}` or `{1..3}`: bash's brace expansion, which would turn one word into several.
_BRACE_EXPANSION = re.compile(
    rb"\{[^{}\s]*,[^{}\s]*\}|\{(?:-?\d+|[A-Za-z])\.\.(?:-?\d+|[A-Za-z])(?:\.\.-?\d+)?\}"
)
# A double-quoted word whose only expansions are `$NAME` and `${NAME}`.
_SIMPLE_DOUBLE_QUOTED = re.compile(
    rb'"(?:[^"\\$`]++|\$[A-Za-z_][A-Za-z0-9_]*+|\$\{[A-Za-z_][A-Za-z0-9_]*\})*+"'
)
_PARAMETER_OPERATOR = re.compile(rb":?[-=?+]|##?|%%?|//?|\^\^?|,,?|:|\[|@")

Substitution = Callable[[int], tuple[Invocation, int] | None]
"""Given the offset of `$(`: the invocation inside and the offset after its `)`, or None."""


class Mode(Enum):
    """Where a word is read: each context has its own quoting and splitting rules."""

    ARGUMENT = "argument"
    """A command's word: unquoted expansions are field-split."""
    VALUE = "value"
    """An assignment value or a here-string: the same quoting, but never field-split."""
    HEREDOC = "heredoc"
    """An unquoted-delimiter heredoc body: like double quotes, but `"` is plain text."""


_ARGUMENT = Mode.ARGUMENT  # module globals read faster than enum members
_HEREDOC = Mode.HEREDOC


class WordLexer:
    """Reads words out of one script's bytes."""

    def __init__(self, data: bytes, locate: Locator, substitution: Substitution) -> None:
        self.data = data
        self.locate = locate
        self.substitution = substitution

    def error(self, offset: int, message: str) -> DocError:
        """A DocError at the guide line of `offset`."""
        return DocError(message, self.locate(offset))

    def decode(self, data: bytes | bytearray, offset: int) -> str:
        """Literal bytes as text; escapes can make bytes that are not UTF-8 (an error at offset)."""
        try:
            return data.decode("utf-8", "surrogatepass")
        except UnicodeDecodeError as error:
            raise self.error(offset, "escape sequences make bytes that are not UTF-8") from error

    def word(self, start: int, end: int, mode: Mode) -> Word:
        """The word written in data[start:end]."""
        parts = self._simple(start, end, mode)
        if parts is None:
            # Brace expansion needs a `{`: without one the check (and its mask) is skipped.
            braces = mode is _ARGUMENT and self.data.find(b"{", start, end) >= 0
            builder = PartBuilder(self.decode, start)
            mask = bytearray() if braces else None
            i = start
            while i < end:
                i = self._unquoted(builder, i, end, mode, mask)
            if mask is not None:
                self._check_braces(mask, start)
            parts = builder.finish()
        return Word(parts, self.locate(start))

    def _simple(self, start: int, end: int, mode: Mode) -> tuple[Part, ...] | None:
        """The parts of the commonest words, read directly, or None for the full lexer.

        Plain text (`curl`, a URL), one single-quoted string, or one double-quoted string
        whose only expansions are `$NAME` and `${NAME}`. The parts are exactly those the
        full lexer would make (a double-quoted word starts with a Literal, even empty).
        """
        data = self.data
        if mode is _HEREDOC:
            return None
        if _UNQUOTED_STOP.search(data, start, end) is None:
            if mode is _ARGUMENT and data.find(b"{", start, end) >= 0:
                self._check_braces(data[start:end], start)
            if start == end:
                return ()
            return (Literal(self.decode(data[start:end], start)),)
        first = data[start]
        if first == 0x27:  # '...'
            if data.find(b"'", start + 1, end) != end - 1:
                return None
            return (Literal(self.decode(data[start + 1 : end - 1], start)),)
        if first != 0x22 or _SIMPLE_DOUBLE_QUOTED.fullmatch(data, start, end) is None:
            return None
        parts: list[Part] = []
        close = end - 1
        i = start + 1
        opened = True  # the opening quote starts a literal, even an empty one
        while (dollar := data.find(b"$", i, close)) >= 0:
            if opened or dollar > i:
                parts.append(Literal(self.decode(data[i:dollar], start)))
            braced = data[dollar + 1] == 0x7B
            name_start = dollar + 2 if braced else dollar + 1
            stop = name_start + 1
            while data[stop] in _NAME_CHARS:  # the closing quote ends the name at the latest
                stop += 1
            parts.append(Parameter(data[name_start:stop].decode("ascii"), None, True))
            i = stop + 1 if braced else stop
            opened = False
        if opened or i < close:
            parts.append(Literal(self.decode(data[i:close], start)))
        return tuple(parts)

    def _check_braces(self, mask: bytes | bytearray, start: int) -> None:
        """Refuse brace expansion (bash does it in command words only) in the word at start.

        `mask` is the word's bytes with quoted and expanded text hidden as NULs.
        """
        found = _BRACE_EXPANSION.search(mask)
        if found is None:
            return
        matched = self.data[start + found.start() : start + found.end()]
        shown = matched.decode("utf-8", "replace")
        raise self.error(
            start,
            f"brace expansion `{shown}` is not supported: bash would turn this word "
            "into several; quote it",
        )

    def heredoc(self, start: int, end: int, *, strip_tabs: bool, expand: bool) -> Word:
        """A heredoc body in data[start:end] (whole lines), as bash feeds it to stdin."""
        builder = PartBuilder(self.decode, start)
        builder.text(b"")
        i = start
        while i < end:
            if strip_tabs and (i == start or self.data[i - 1] == 0x0A):
                while i < end and self.data[i] == 0x09:
                    i += 1
                if i >= end:
                    break
            if not expand:
                stop = self.data.find(b"\n", i, end)
                stop = end if stop < 0 else stop + 1
                builder.text(self.data[i:stop])
                i = stop
            else:
                i = self._quoted_char(builder, i, end, Mode.HEREDOC, default=False)
        return Word(builder.finish(), self.locate(start))

    # -- contexts ---------------------------------------------------------------------------

    def _unquoted(
        self, builder: PartBuilder, i: int, end: int, mode: Mode, mask: bytearray | None,
        *, default: bool = False,
    ) -> int:  # fmt: skip
        """Read one unit of unquoted text at i (also inside an unquoted `${A:-...}`)."""
        data = self.data
        byte = data[i]
        if mode is Mode.HEREDOC:
            return self._quoted_char(builder, i, end, mode, default=default)
        if byte == 0x5C:  # backslash
            if i + 1 >= end:
                builder.text(b"\\")
                return i + 1
            if data[i + 1] == 0x0A:
                _mark(mask, 2)
                return i + 2
            stop = _char_end(data, i + 1, end)
            builder.text(data[i + 1 : stop])
            _mark(mask, stop - i)
            return stop
        if byte == 0x27:  # single quote
            close = data.find(b"'", i + 1, end)
            if close < 0:
                raise self.error(i, "unterminated single quote: expected a closing `'`")
            builder.text(data[i + 1 : close])
            _mark(mask, close + 1 - i)
            return close + 1
        if byte == 0x22:  # double quote
            stop = self._double_quoted(builder, i, end, mode)
            _mark(mask, stop - i)
            return stop
        if byte == 0x24:  # dollar
            quoted = mode is not Mode.ARGUMENT
            stop = self._dollar(builder, i, end, quoted=quoted, in_quotes=False, mode=mode)
            _mark(mask, stop - i)
            return stop
        if byte == 0x60:
            raise self.error(i, backquote_message(self.data, i))
        pattern = _DEFAULT_STOP if default else _UNQUOTED_STOP
        found = pattern.search(data, i, end)
        stop = end if found is None else found.start()
        if stop == i:
            shown = data[i : i + 1].decode("utf-8", "replace")
            raise self.error(i, f"unexpected `{shown}` in a word")
        builder.text(data[i:stop], split=default and mode is Mode.ARGUMENT)
        if mask is not None:
            mask += data[i:stop]
        return stop

    def _quoted_char(
        self, builder: PartBuilder, i: int, end: int, mode: Mode, *, default: bool
    ) -> int:
        """Read one unit inside double quotes (or an unquoted-delimiter heredoc body)."""
        data = self.data
        byte = data[i]
        heredoc = mode is Mode.HEREDOC
        if byte == 0x5C:
            nxt = data[i + 1] if i + 1 < end else -1
            if nxt == 0x0A:
                return i + 2
            special = b"$`\\" if heredoc else b'$`"\\'
            if default:
                special += b"}"  # `"${A:-a\}b}"`: the brace is escaped, not the end
            if nxt != -1 and nxt in special:
                builder.text(data[i + 1 : i + 2])
                return i + 2
            builder.text(b"\\")
            return i + 1
        if byte == 0x24:
            return self._dollar(builder, i, end, quoted=True, in_quotes=True, mode=mode)
        if byte == 0x60:
            raise self.error(i, backquote_message(self.data, i))
        if byte == 0x22 and not heredoc:
            raise self.error(i, 'unexpected `"`')
        if byte == 0x0A and heredoc:
            builder.text(b"\n")
            return i + 1
        if heredoc:
            pattern = _HEREDOC_DEFAULT_STOP if default else _HEREDOC_STOP
        else:
            pattern = _DQ_DEFAULT_STOP if default else _DQ_STOP
        found = pattern.search(data, i + 1, end)
        stop = end if found is None else found.start()
        if heredoc and found is not None and data[stop] == 0x0A:
            stop += 1  # keep the newline with its line, so tab stripping sees line starts
        builder.text(data[i:stop])
        return stop

    # -- expansions -------------------------------------------------------------------------

    def _dollar(
        self, builder: PartBuilder, i: int, end: int, *, quoted: bool, in_quotes: bool, mode: Mode
    ) -> int:
        """Read what starts with `$` at i and return the offset after it.

        `quoted`: the result is not field-split; `in_quotes`: written inside `"..."` (or a
        heredoc), where `$'` and `$"` are plain text.
        """
        data = self.data
        nxt = data[i + 1] if i + 1 < end else -1
        if nxt == 0x7B:  # {
            return self._braced(builder, i, end, quoted=quoted, in_quotes=in_quotes, mode=mode)
        if nxt == 0x28:  # (
            # bash reads `$((` as arithmetic before it would try a subshell inside `$(`.
            if data.startswith(b"$((", i):
                raise self.error(i, "arithmetic expansion $((...)) is not supported")
            found = self.substitution(i)
            if found is None:
                raise self.error(i, "cannot read this $(...): expected one command inside")
            invocation, stop = found
            builder.add(CommandSubstitution(invocation, quoted=quoted))
            return stop
        if nxt == 0x27 and not in_quotes:
            return self._ansi_c(builder, i, end)
        if nxt == 0x22 and not in_quotes:
            raise self.error(i, 'locale translation $"..." is not supported, use "..."')
        if nxt == 0x5B:
            raise self.error(i, "arithmetic expansion $[...] is not supported")
        if nxt in _NAME_START:
            stop = i + 2
            while stop < end and data[stop] in _NAME_CHARS:
                stop += 1
            name = data[i + 1 : stop].decode("ascii")
            builder.add(Parameter(name, None, quoted))
            return stop
        if nxt in _SPECIAL_PARAMETERS:
            shown = chr(nxt)
            raise self.error(i, f"special parameter ${shown} is not supported")
        builder.text(b"$")
        return i + 1

    def _braced(
        self, builder: PartBuilder, i: int, end: int, *, quoted: bool, in_quotes: bool, mode: Mode
    ) -> int:
        """`${NAME}`, `${NAME:-default}` or `${NAME-default}`; other forms are refused."""
        data = self.data
        j = i + 2
        if j >= end or data[j] not in _NAME_START:
            close = data.find(b"}", j, end)
            shown = data[i : close + 1 if close >= 0 else end].decode("utf-8", "replace")
            raise self.error(
                i,
                f"`{shown}` is not supported: only ${{NAME}}, ${{NAME:-default}} "
                "and ${NAME-default} are",
            )
        stop = j + 1
        while stop < end and data[stop] in _NAME_CHARS:
            stop += 1
        name = data[j:stop].decode("ascii")
        if stop >= end:
            raise self.error(i, f"unterminated ${{{name}: expected a closing `}}`")
        if data[stop] == 0x7D:
            builder.add(Parameter(name, None, quoted))
            return stop + 1
        operator = _PARAMETER_OPERATOR.match(data, stop, end)
        if operator is None or operator.group() not in (b":-", b"-"):
            shown = (operator.group() if operator else data[stop : stop + 1]).decode(
                "utf-8", "replace"
            )
            raise self.error(
                i,
                f"`${{{name}{shown}...}}` is not supported: only ${{NAME}}, "
                "${NAME:-default} and ${NAME-default} are",
            )
        start = operator.end()
        inner = PartBuilder(self.decode, start)
        k = start
        while True:
            if k >= end:
                raise self.error(i, f"unterminated ${{{name}: expected a closing `}}`")
            if data[k] == 0x7D:
                break
            if in_quotes:
                k = self._default_in_quotes(inner, k, end, mode)
            else:
                k = self._unquoted(inner, k, end, mode, None, default=True)
        default = Word(inner.finish(), self.locate(start))
        unset_only = operator.group() == b"-"
        builder.add(Parameter(name, default, quoted, unset_only=unset_only))
        return k + 1

    def _default_in_quotes(self, builder: PartBuilder, k: int, end: int, mode: Mode) -> int:
        """One unit of a default inside double quotes, where `'` is plain and `"` nests."""
        data = self.data
        if data.startswith(b"$'", k):
            return self._ansi_c(builder, k, end)  # bash still decodes `$'...'` here
        if data[k] == 0x22:
            # Nested quotes follow double-quote rules, even in a heredoc body.
            return self._double_quoted(builder, k, end, Mode.VALUE)
        return self._quoted_char(builder, k, end, mode, default=True)

    def _double_quoted(self, builder: PartBuilder, i: int, end: int, mode: Mode) -> int:
        """`"..."` opening at `i`: its parts into `builder`; the offset after the closing `"`."""
        builder.text(b"")
        j = i + 1
        while True:
            if j >= end:
                raise self.error(i, 'unterminated double quote: expected a closing `"`')
            if self.data[j] == 0x22:
                return j + 1
            j = self._quoted_char(builder, j, end, mode, default=False)

    def _ansi_c(self, builder: PartBuilder, i: int, end: int) -> int:
        """`$'...'`: bash's ANSI-C escapes, decoded."""
        text, stop = ansi_c(self.data, i, end, self.error)
        builder.text(text)
        return stop


def _char_end(data: bytes, i: int, end: int) -> int:
    """The offset after the UTF-8 character starting at i."""
    stop = i + 1
    while stop < end and 0x80 <= data[stop] < 0xC0:
        stop += 1
    return stop


def _mark(mask: bytearray | None, length: int) -> None:
    """Hide quoted or expanded text from the brace-expansion check."""
    if mask is not None:
        mask += b"\0" * length
