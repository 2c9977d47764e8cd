"""Bash's ANSI-C quoting, `$'...'`: its escapes decoded to the bytes bash would use."""

from __future__ import annotations

from collections.abc import Callable

from runner.model import DocError

__all__ = ["ansi_c"]

_HEX = frozenset(b"0123456789abcdefABCDEF")
_OCTAL = frozenset(b"01234567")
_SIMPLE_ANSI = {
    ord("a"): b"\a", ord("b"): b"\b", ord("e"): b"\x1b", ord("E"): b"\x1b", ord("f"): b"\f",
    ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("v"): b"\v", ord("\\"): b"\\",
    ord("'"): b"'", ord('"'): b'"', ord("?"): b"?",
}  # fmt: skip

ErrorAt = Callable[[int, str], DocError]
"""A byte offset in the script and a message -> the DocError to raise there."""


def ansi_c(data: bytes, i: int, end: int, error: ErrorAt) -> tuple[bytes, int]:
    """The bytes of the `$'...'` at i and the offset after its closing quote.

    The text stops at a `\\0` like bash's C string.
    """
    out = bytearray()
    j = i + 2
    while True:
        if j >= end:
            raise error(i, "unterminated $'...': expected a closing `'`")
        byte = data[j]
        if byte == 0x27:
            break
        if byte != 0x5C or j + 1 >= end:
            out.append(byte)
            j += 1
            continue
        escape = data[j + 1]
        j += 2
        if escape in _SIMPLE_ANSI:
            out += _SIMPLE_ANSI[escape]
        elif escape in _OCTAL:
            digits = _take(data, j - 1, end, _OCTAL, 3)
            out.append(int(digits, 8) & 0xFF)
            j += len(digits) - 1
        elif escape in (0x78, 0x75, 0x55):  # x u U
            width = {0x78: 2, 0x75: 4, 0x55: 8}[escape]
            digits = _take(data, j, end, _HEX, width)
            if not digits:
                out += data[j - 2 : j]
                continue
            j += len(digits)
            value = int(digits, 16)
            if escape == 0x78:
                out.append(value)
            elif value > 0x10FFFF or 0xD800 <= value <= 0xDFFF:
                raise error(i, f"invalid Unicode escape \\{chr(escape)}{digits.decode()}")
            else:
                out += chr(value).encode("utf-8")
        elif escape == 0x63 and j < end and data[j] != 0x27:  # \cX
            out.append(0x7F if data[j] == 0x3F else data[j] & 0x1F)
            j += 1
        else:
            out += data[j - 2 : j]
    if 0 in out:
        out = out[: out.index(0)]
    return bytes(out), j + 1


def _take(data: bytes, start: int, end: int, allowed: frozenset[int], limit: int) -> bytes:
    stop = start
    while stop < end and stop - start < limit and data[stop] in allowed:
        stop += 1
    return data[start:stop]
