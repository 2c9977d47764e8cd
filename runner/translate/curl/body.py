"""curl 7.88's request bodies: the -d family, --data-urlencode, --json, -F multipart, files."""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from runner.model import DocError, Source
from runner.read import read_regular_file

__all__ = [
    "MAX_FILE_BYTES",
    "FileReader",
    "FormPart",
    "curl_escape",
    "data_piece",
    "multipart",
    "parse_form",
]

# The most a command may read from one file: far above any request body a guide would show,
# and it keeps a huge file below the guide's folder from being read whole into memory.
MAX_FILE_BYTES = 16 * 1024 * 1024
_UNRESERVED = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")

# lib/mime.c's table: the only extensions curl 7.88 maps to a part's Content-Type.
_MIME_TYPES = {
    ".gif": "image/gif",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".svg": "image/svg+xml",
    ".txt": "text/plain",
    ".htm": "text/html",
    ".html": "text/html",
    ".pdf": "application/pdf",
    ".xml": "application/xml",
}


@dataclass(frozen=True, slots=True)
class FileReader:
    """Reads the files a command names, only below the guide's folder (`-` is stdin)."""

    root: Path | None
    """The guide's folder; None: the working directory (looked up only when a file is read)."""
    stdin: bytes | None
    source: Source | None

    def read(self, name: str, flag: str) -> bytes:
        """The bytes of `name` (relative to the root), or DocError naming the flag."""
        if name == "-":
            if self.stdin is None:
                shown = f"{flag} -" if flag == "-T" else f"{flag} @-"
                raise DocError(
                    f"curl: {shown} reads standard input, but nothing feeds it "
                    "(expected a heredoc, `<<EOF`)",
                    self.source,
                )
            return self.stdin
        if not name or "\x00" in name:
            raise DocError(f"curl: {flag} names no valid file ({name!r})", self.source)
        pure = PurePosixPath(name)
        if pure.is_absolute() or ".." in pure.parts or name.startswith("~"):
            raise DocError(
                f"curl: {flag} file {name!r} is outside the guide's folder; "
                "expected a path below it",
                self.source,
            )
        try:
            root = (self.root if self.root is not None else Path.cwd()).resolve()
            path = (root / pure).resolve()
            if path != root and root not in path.parents:
                raise DocError(f"curl: {flag} file {name!r} leaves the guide's folder",
                               self.source)
            return read_regular_file(path, MAX_FILE_BYTES)
        except OSError as error:
            # Any OSError (a name too long, a FIFO, a loop of links) is the guide's to fix.
            reason = error.strerror or (os.strerror(error.errno) if error.errno else str(error))
            message = f"curl: {flag} cannot read file {name!r}: {reason}"
            raise DocError(message, self.source) from None


def curl_escape(data: bytes) -> str:
    """curl_easy_escape(): every byte but the unreserved ones as uppercase %XX."""
    return "".join(chr(b) if b in _UNRESERVED else f"%{b:02X}" for b in data)


def _urlencode(arg: str, files: FileReader, flag: str) -> bytes:
    """--data-urlencode's forms: `content`, `=content`, `name=content`, `@file`, `name@file`."""
    separator = arg.find("=")
    if separator < 0:
        separator = arg.find("@")
    if separator < 0:
        name, kind, rest = "", "", arg
    else:
        name, kind, rest = arg[:separator], arg[separator], arg[separator + 1 :]
    content = files.read(rest, flag) if kind == "@" else _bytes(rest)
    if kind == "@" and not content:
        return b""  # curl reads no data from an empty file and drops the name as well
    encoded = curl_escape(content).replace("%20", "+")
    return _bytes(f"{name}={encoded}" if name else encoded)


def data_piece(flag: str, arg: str, files: FileReader) -> bytes:
    """One data argument as curl 7.88 adds it to the body (before joining)."""
    if flag == "data-urlencode":
        return _urlencode(arg, files, "--" + flag)
    if flag == "url-query":
        if arg.startswith("+"):
            return _bytes(arg[1:])
        return _urlencode(arg, files, "--" + flag)
    if flag == "data-raw" or not arg.startswith("@"):
        return _bytes(arg)
    content = files.read(arg[1:], "--" + flag)
    if flag in ("data", "data-ascii"):
        # -d @file drops every CR and LF, wherever they are; --data-binary keeps them.
        content = content.replace(b"\r", b"").replace(b"\n", b"")
    return content


@dataclass(frozen=True, slots=True)
class FormPart:
    """One multipart part: its name, content, and the filename/type curl gives it."""

    name: str | None
    content: bytes
    filename: str | None
    content_type: str | None
    headers: tuple[str, ...] = ()


_TYPE_END = re.compile(r";\s*(filename|headers|encoder)=", re.IGNORECASE)


def _unquote(text: str) -> tuple[str, str]:
    """A `"quoted"` or bare word at the start of text, and what follows it."""
    if text.startswith('"'):
        out: list[str] = []
        index = 1
        while index < len(text):
            char = text[index]
            if char == "\\" and index + 1 < len(text) and text[index + 1] in '\\"':
                out.append(text[index + 1])
                index += 2
                continue
            if char == '"':
                return "".join(out), text[index + 1 :]
            out.append(char)
            index += 1
        return "".join(out), ""
    end = text.find(";")
    return (text, "") if end < 0 else (text[:end], text[end:])


def parse_form(arg: str, literal: bool, files: FileReader, source: Source | None) -> FormPart:
    """One -F (or --form-string, `literal`) argument as curl 7.88's tool_formparse reads it."""
    flag = "--form-string" if literal else "-F"
    equals = arg.find("=")
    if equals < 0:
        raise DocError(f"curl: option {flag}: is badly used here ({arg!r} has no '=')", source)
    name: str | None = arg[:equals] or None
    value = arg[equals + 1 :]
    if literal:
        return FormPart(name, _bytes(value), None, None)
    kind = value[:1] if value[:1] in ("@", "<") else ""
    body, rest = _unquote(value[1:] if kind else value)
    filename: str | None = None
    content_type: str | None = None
    headers: list[str] = []
    rest = rest[rest.find(";") :] if ";" in rest else ""  # text after a quoted word is dropped
    while rest.startswith(";"):
        rest = rest[1:].lstrip(" \t")
        key = rest.split("=", 1)[0].strip().lower() if "=" in rest else ""
        if key == "type":
            # The type runs on (`;charset=...` included) up to another known parameter.
            end = _TYPE_END.search(rest)
            content_type = rest[5 : end.start() if end else len(rest)].strip()
            rest = rest[end.start() :] if end else ""
            if "/" not in content_type:
                raise DocError(f"curl: option {flag}: is badly used here (type in {arg!r})", source)
        elif key in ("filename", "headers"):
            word, rest = _unquote(rest[len(key) + 1 :])
            if key == "filename":
                filename = word
            elif word.startswith("@"):
                message = f"curl: {flag} `headers=@file` is not supported (in {arg!r})"
                raise DocError(message, source)
            else:
                headers.append(word)
            rest = rest[rest.find(";") :] if ";" in rest else ""
        elif key == "encoder":
            raise DocError(f"curl: {flag} `encoder=` is not supported (in {arg!r})", source)
        else:
            # curl skips an unknown `;word` (with a warning).
            _, rest = _unquote(rest)
    content = _bytes(body)
    guess_from = filename
    if kind == "@":
        if "," in body:
            raise DocError(f"curl: {flag} several files in one part are not supported", source)
        content = files.read(body, flag)
        if body != "-":
            guess_from = body  # a real file's type comes from its own name, not filename=
            filename = PurePosixPath(body).name if filename is None else filename
        elif filename is None:
            filename = guess_from = "-"
    elif kind == "<":
        content = files.read(body, flag)
        filename = guess_from = None  # curl sends `<file` content without a filename
    if content_type is None:
        # curl's guess: the local file's name, then the name sent; a real file falls back
        # to octet-stream.
        for known in (guess_from, filename):
            if content_type is None and known is not None:
                content_type = _MIME_TYPES.get(PurePosixPath(known).suffix.lower())
        if content_type is None and kind == "@" and body != "-":
            content_type = "application/octet-stream"
    return FormPart(name, content, filename, content_type, tuple(headers))


def multipart(
    parts: list[FormPart], disposition: str = "form-data", boundary: str | None = None
) -> tuple[str, bytes]:
    """The boundary and the body curl builds for `parts` (its boundary: 24 dashes, 16 hex)."""
    boundary = boundary or "-" * 24 + secrets.token_hex(8)
    chunks: list[bytes] = []
    for part in parts:
        line = disposition
        if part.name is not None:
            line += f'; name="{_escape(part.name)}"'
        if part.filename is not None:
            line += f'; filename="{_escape(part.filename)}"'
        chunks.append(_bytes(f"--{boundary}\r\nContent-Disposition: {line}\r\n"))
        if part.content_type:
            chunks.append(_bytes(f"Content-Type: {part.content_type}\r\n"))
        chunks.extend(_bytes(f"{line}\r\n") for line in part.headers)
        chunks.append(b"\r\n" + part.content + b"\r\n")
    chunks.append(_bytes(f"--{boundary}--\r\n"))
    return boundary, b"".join(chunks)


def _bytes(text: str) -> bytes:
    # Arguments may carry undecodable bytes (surrogate escapes): keep them as they were.
    return text.encode("utf-8", "surrogateescape")


def _escape(text: str) -> str:
    # Since 7.81 curl percent-escapes these in names (backslashes only with --form-escape).
    return text.replace('"', "%22").replace("\r", "%0D").replace("\n", "%0A")
