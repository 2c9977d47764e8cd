"""A `console` block -> its commands (prompt stripped) and what each printed.

A line starting with `$ ` is a command; it goes on while the line ends in `\\`, a quote is
still open or a heredoc has not reached its delimiter. The lines after it, up to the next
prompt, are its output: the documented response of that command.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["ConsoleCommand", "split_console"]

_PROMPT = "$ "
_CONTINUATION_PROMPT = "> "


@dataclass(frozen=True, slots=True)
class ConsoleCommand:
    """One prompt's command and its output, with their 1-based lines."""

    text: str
    line: int
    output: str
    output_line: int | None
    """The first non-blank output line, or None when it printed nothing."""


@dataclass(slots=True)
class _Scan:
    """Quote and heredoc state carried from one command line to the next."""

    quote: str = ""
    heredocs: list[tuple[str, bool]] | None = None
    """Pending heredoc delimiters, with whether leading tabs are stripped (`<<-`)."""


def _scan_line(line: str, scan: _Scan) -> bool:
    """Update the state with one line; True when the command goes on to the next line."""
    i = 0
    n = len(line)
    while i < n:
        char = line[i]
        if scan.quote == "'":
            if char == "'":
                scan.quote = ""
        elif scan.quote == '"':
            if char == "\\":
                i += 1
            elif char == '"':
                scan.quote = ""
        elif char == "\\":
            if i == n - 1:
                return True
            i += 1
        elif char in "'\"":
            scan.quote = char
        elif char == "#" and (i == 0 or line[i - 1].isspace()):
            break
        elif line.startswith("<<", i) and not line.startswith("<<<", i):
            i = _heredoc_word(line, i + 2, scan)
            continue
        i += 1
    return bool(scan.quote) or bool(scan.heredocs)


def _heredoc_word(line: str, i: int, scan: _Scan) -> int:
    """Read a heredoc delimiter after `<<`; returns the index after it."""
    strip_tabs = line.startswith("-", i)
    if strip_tabs:
        i += 1
    while i < len(line) and line[i] in " \t":
        i += 1
    start = i
    while i < len(line) and not line[i].isspace() and line[i] not in ";|&<>()":
        i += 1
    word = "".join(c for c in line[start:i] if c not in "'\"\\")
    if word:
        if scan.heredocs is None:
            scan.heredocs = []
        scan.heredocs.append((word, strip_tabs))
    return i


def _ends_heredoc(line: str, scan: _Scan) -> bool:
    """True when `line` closes the first pending heredoc (which is then dropped)."""
    assert scan.heredocs
    word, strip_tabs = scan.heredocs[0]
    candidate = line.lstrip("\t") if strip_tabs else line
    if candidate == word:
        scan.heredocs.pop(0)
        return True
    return False


def split_console(text: str, first_line: int) -> tuple[list[ConsoleCommand], int | None]:
    """Split a console block into commands; also the line of any text before the first prompt."""
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    commands: list[ConsoleCommand] = []
    stray: int | None = None
    index = 0
    while index < len(lines):
        line = lines[index]
        if not (line.startswith(_PROMPT) or line == "$"):
            if line.strip() and stray is None:
                stray = first_line + index
            index += 1
            continue
        start = index
        scan = _Scan()
        command_lines = [line[len(_PROMPT) :]]
        going_on = _scan_line(command_lines[0], scan)
        index += 1
        while going_on and index < len(lines):
            line = lines[index]
            if scan.heredocs and not scan.quote:
                command_lines.append(line)
                _ends_heredoc(line, scan)
                going_on = bool(scan.heredocs)
            else:
                if line.startswith(_CONTINUATION_PROMPT):
                    line = line[len(_CONTINUATION_PROMPT) :]
                command_lines.append(line)
                going_on = _scan_line(line, scan)
            index += 1
        output_start = index
        while index < len(lines) and not (lines[index].startswith(_PROMPT) or lines[index] == "$"):
            index += 1
        output_lines = lines[output_start:index]
        blank = 0
        while blank < len(output_lines) and not output_lines[blank].strip():
            blank += 1
        output = "\n".join(output_lines[blank:]).strip("\n")
        commands.append(
            ConsoleCommand(
                text="\n".join(command_lines) + "\n",
                line=first_line + start,
                output=output,
                output_line=first_line + output_start + blank if output.strip() else None,
            )
        )
    return commands, stray
