"""runner.translate.shell on arbitrary input: only DocError comes out, quoting round-trips."""

from __future__ import annotations

import contextlib
import shlex

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from runner.model.command import Assignment, Invocation, Script, Word
from runner.model.errors import DocError
from runner.model.source import Source
from runner.translate.shell.script import (
    expand_argv,
    expand_string,
    parse_script,
    prefix_environment,
)

GUIDE = Source("docs/guide.md", 7)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# Pieces of shell that exercise the parser's corners far more often than random text would.
TOKENS = [
    " ", "  ", "\t", "\n", "\\", "\\\n", "\\ \n", "'", '"', "$", "$'", '$"', "${", "}", "{", "$(",
    "(", ")", "$((", "`", "|", "||", "&", "&&", ";", "#", "<<", "<<-", "<<<", "EOF", "'EOF'",
    ">", "2>&1", "<", "=", "A", "A=", "export ", "curl ", "jq ", "-r ", ".a", ":-", "-", ":=",
    "${A:-", "$A", "$1", "$?", "x", "é", "\x00", "*", "?", ",", "..", "[", "]", "!", "\\x41",
    "\\u00e9", "python -m json.tool", "\ud800",
]  # fmt: skip
shellish = st.lists(st.sampled_from(TOKENS), max_size=30).map("".join)
any_text = st.one_of(st.text(max_size=200), shellish)
values = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=12)


def parse_or_none(text: str) -> Script | None:
    """The script, or None after checking the DocError is a real, placed diagnosis."""
    try:
        return parse_script(text, source=GUIDE)
    except DocError as error:
        assert "internal error" not in error.message, error.message
        assert error.source is not None
        assert error.source.path == GUIDE.path
        assert error.source.line >= GUIDE.line
        return None


@SETTINGS
@given(any_text)
def test_parsing_raises_only_doc_errors(text: str) -> None:
    parse_or_none(text)


def words_of(script: Script) -> list[Word]:
    words: list[Word] = []
    for command in script.commands:
        if isinstance(command, Assignment):
            words.append(command.value)
            continue
        words += command.argv
        words += [a.value for a in command.prefix]
        words += [w for stage in command.pipeline for w in stage]
        if command.stdin is not None:
            words.append(command.stdin)
    return words


@SETTINGS
@given(any_text, st.dictionaries(st.sampled_from(["A", "B", "EOF", "x"]), values), values)
def test_expansion_raises_only_doc_errors(text: str, env: dict[str, str], output: str) -> None:
    script = parse_or_none(text)
    if script is None:
        return

    def substitute(invocation: Invocation) -> str:
        return output

    for word in words_of(script):
        try:
            fields = expand_argv((word,), env, substitute)
            joined = expand_string(word, env, substitute)
        except DocError:
            continue
        assert all(isinstance(field, str) for field in fields)
        assert isinstance(joined, str)
    for command in script.commands:
        if isinstance(command, Invocation):
            with contextlib.suppress(DocError):
                prefix_environment(command, env, substitute)


# Arguments without NUL (no shell argument can hold one).
arguments = st.lists(
    st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")),
    min_size=1,
    max_size=6,
)


@SETTINGS
@given(arguments)
def test_shlex_quoted_arguments_round_trip(argv: list[str]) -> None:
    script = parse_script("echo " + shlex.join(argv), source=GUIDE)
    (command,) = script.commands
    assert isinstance(command, Invocation)
    assert expand_argv(command.argv, {})[1:] == argv


@SETTINGS
@given(arguments, st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=10))
def test_quoted_variables_never_split(argv: list[str], value: str) -> None:
    quoted = " ".join('"$V"' + shlex.quote(arg) for arg in argv)
    (command,) = parse_script("echo " + quoted, source=GUIDE).commands
    assert isinstance(command, Invocation)
    assert expand_argv(command.argv, {"V": value})[1:] == [value + arg for arg in argv]
