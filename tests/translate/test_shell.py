"""runner.translate.shell: the supported bash subset, its expansion, its positions and errors."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from runner.model.command import Assignment, CommandSubstitution, Invocation, Script
from runner.model.errors import DocError
from runner.model.source import Source
from runner.translate.shell.script import (
    UnboundVariable,
    expand_argv,
    expand_string,
    expand_word,
    parse_script,
    prefix_environment,
)

GUIDE = Source("docs/guide.md", 20)


def parse(text: str) -> Script:
    return parse_script(text, source=GUIDE)


def invocations(script: Script) -> list[Invocation]:
    return [c for c in script.commands if isinstance(c, Invocation)]


def no_substitution(invocation: Invocation) -> str:
    raise AssertionError(f"unexpected substitution of {invocation.text}")


# -- argv after expansion -------------------------------------------------------------------

ENV = {"A": "a  b", "E": "", "T": "tok", "URL": "http://localhost:3000/api/v1", "WS": " x\ty\n"}

ARGV_CASES: list[tuple[str, str, list[list[str]]]] = [
    ("plain", "curl -s http://x/a", [["curl", "-s", "http://x/a"]]),
    ("single quotes literal", "echo '$A \\n \"'", [["echo", '$A \\n "']]),
    ("double quotes expand", 'echo "x $T y"', [["echo", "x tok y"]]),
    ("double quote escapes", 'echo "\\$ \\` \\" \\\\ \\a \\n"', [["echo", '$ ` " \\ \\a \\n']]),
    ("ansi-c", "echo $'a\\tb\\n\\x41\\101\\u00e9\\'\\\\\\q'", [["echo", "a\tb\nAAé'\\\\q"]]),
    ("ansi-c nul truncates", "echo $'a\\0b'c", [["echo", "ac"]]),
    ("unquoted escapes", 'echo a\\ b\\$c\\"d\\\\', [["echo", 'a b$c"d\\']]),
    ("unquoted splits", "echo $A", [["echo", "a", "b"]]),
    ("quoted does not split", 'echo "$A"', [["echo", "a  b"]]),
    ("empty unquoted vanishes", "echo $E x", [["echo", "x"]]),
    ("empty quoted stays", 'echo "$E" \'\' ""', [["echo", "", "", ""]]),
    ("concatenation", "echo \"a\"'b'$T${T}x", [["echo", "abtoktokx"]]),
    ("split keeps neighbours", "echo x$WS'z'", [["echo", "x", "x", "y", "z"]]),
    ("braces", 'curl "$URL/agents/${T}"', [["curl", "http://localhost:3000/api/v1/agents/tok"]]),
    ("default unset", 'echo ${NOPE:-d} "${NOPE:-a b}"', [["echo", "d", "a b"]]),
    ("default empty", "echo ${E:-d} x${E-d}y", [["echo", "d", "xy"]]),
    ("default set", "echo ${T:-d} ${T-d}", [["echo", "tok", "tok"]]),
    (
        "default splits when unquoted",
        'echo ${NOPE:-a b} ${NOPE:-"c d"}',
        [["echo", "a", "b", "c d"]],
    ),
    ("default reads a variable", "echo ${NOPE:-$A}", [["echo", "a", "b"]]),
    ("lone dollar", 'echo $ a$ "$"', [["echo", "$", "a$", "$"]]),
    ("glob stays literal", "curl http://x/a?b=1 '*'", [["curl", "http://x/a?b=1", "*"]]),
    ("hash inside word", "echo a#b # a comment", [["echo", "a#b"]]),
    ("continuation", "curl \\\n  -H 'a: b' \\\n  http://x", [["curl", "-H", "a: b", "http://x"]]),
    ("continuation inside word", "echo ab\\\ncd", [["echo", "abcd"]]),
    ("newline in quotes", 'echo "a\nb"', [["echo", "a\nb"]]),
    ("semicolons and &&", "a 1; b 2 && c 3\nd", [["a", "1"], ["b", "2"], ["c", "3"], ["d"]]),
    ("non-curl commands parsed", "git clone x && npm i", [["git", "clone", "x"], ["npm", "i"]]),
    ("json body", "curl -d '{\"a\": [1, 2]}' u", [["curl", "-d", '{"a": [1, 2]}', "u"]]),
    ("dq json body", 'curl -d "{\\"id\\": \\"$T\\"}" u', [["curl", "-d", '{"id": "tok"}', "u"]]),
    ("unicode", 'echo "héllo $T" ünï', [["echo", "héllo tok", "ünï"]]),
    ("unset is a command", "unset T", [["unset", "T"]]),
    ("translated-looking but quoted", "echo '$\"x\"'", [["echo", '$"x"']]),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in ARGV_CASES], ids=[c[0] for c in ARGV_CASES]
)
def test_argv(text: str, expected: list[list[str]]) -> None:
    script = parse(text)
    got = [expand_argv(i.argv, ENV, no_substitution) for i in invocations(script)]
    assert got == expected


# -- positions ------------------------------------------------------------------------------


def test_lines_and_columns_are_guide_positions() -> None:
    script = parse("# hi\nexport B=1\n  curl -s \\\n    -H 'x: y' \\\n    u; echo ok")
    export, curl, echo = script.commands
    assert isinstance(export, Assignment)
    assert (export.source.line, export.source.column) == (21, 8)
    assert (export.value.source.line, export.value.source.column) == (21, 10)
    assert isinstance(curl, Invocation)
    assert isinstance(echo, Invocation)
    assert (curl.source.line, curl.source.column) == (22, 3)
    assert [(w.source.line, w.source.column) for w in curl.argv] == [
        (22, 3), (22, 8), (23, 5), (23, 8), (24, 5),
    ]  # fmt: skip
    assert (echo.source.line, echo.source.column) == (24, 8)
    assert curl.text == "curl -s \\\n    -H 'x: y' \\\n    u"


def test_block_indentation_is_added_to_columns() -> None:
    script = parse_script("curl u", source=Source("g.md", 5, 4))
    (curl,) = invocations(script)
    assert (curl.argv[1].source.line, curl.argv[1].source.column) == (5, 9)


def test_columns_count_characters_not_bytes() -> None:
    (echo,) = invocations(parse("echo 'é' x"))
    assert echo.argv[2].source.column == 10


# -- assignments, exports, prefixes ---------------------------------------------------------


def test_assignments_and_exports() -> None:
    script = parse("A=1\nexport B=\"x $A\" C='$z'\nexport D\nE=")
    got = [
        (c.name, c.exported, c.source.line) for c in script.commands if isinstance(c, Assignment)
    ]
    assert got == [("A", False, 20), ("B", True, 21), ("C", True, 21), ("E", False, 23)]
    values = {c.name: c.value for c in script.commands if isinstance(c, Assignment)}
    assert expand_string(values["B"], {"A": "1  2"}) == "x 1  2"
    assert expand_string(values["C"], {}) == "$z"
    assert expand_string(values["E"], {}) == ""


def test_assignment_values_are_not_split() -> None:
    (assignment,) = parse("X=$A").commands
    assert isinstance(assignment, Assignment)
    assert expand_word(assignment.value, {"A": "a  b"}) == ["a  b"]
    assert assignment.value.variables() == {"A"}


def test_export_capture_of_a_substitution() -> None:
    (assignment,) = parse("export TOKEN=\"$(curl -s -d @- u | jq -r '.access_token')\"").commands
    assert isinstance(assignment, Assignment)
    (part,) = [p for p in assignment.value.parts if isinstance(p, CommandSubstitution)]
    assert part.quoted
    command = part.command
    assert command.program == "curl"
    assert [[w.literal for w in stage] for stage in command.pipeline] == [
        ["jq", "-r", ".access_token"]
    ]
    seen: list[Invocation] = []

    def substitute(invocation: Invocation) -> str:
        seen.append(invocation)
        return "eyJ.a b\n\n"

    assert expand_string(assignment.value, {}, substitute) == "eyJ.a b"
    assert seen == [command]


def test_unquoted_substitution_is_split_and_trimmed() -> None:
    (echo,) = invocations(parse("echo $(curl u | jq -r '.[]') end"))
    assert expand_argv(echo.argv, {}, lambda _: "a b\nc\n\n") == ["echo", "a", "b", "c", "end"]


def test_substitution_without_a_runner_is_a_doc_error() -> None:
    (echo,) = invocations(parse("echo $(curl u)"))
    with pytest.raises(DocError, match=r"command substitution \$\(curl u\)"):
        expand_argv(echo.argv, {})


def test_prefix_assignments_use_bash_order() -> None:
    (curl,) = invocations(parse('X=1 Y=$X curl -H "x: $X" u'))
    assert [a.name for a in curl.prefix] == ["X", "Y"]
    # The words are expanded before the prefixes take effect: the old X.
    assert expand_argv(curl.argv, {"X": "old"}) == ["curl", "-H", "x: old", "u"]
    assert prefix_environment(curl, {"X": "old"}) == {"X": "1", "Y": "1"}
    assert curl.variables() == {"X"}
    (other,) = invocations(parse("Y=$X X=1 curl u"))
    assert other.variables() == {"X"}
    (none,) = invocations(parse("X=1 Y=$X curl u"))
    assert none.variables() == frozenset()


# -- variables ------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["echo $NOPE", 'echo "${NOPE}"', "echo x${NOPE}y"])
def test_unbound_variable(text: str) -> None:
    (echo,) = invocations(parse("\n" + text))
    with pytest.raises(UnboundVariable) as caught:
        expand_argv(echo.argv, {})
    assert caught.value.name == "NOPE"
    assert caught.value.source is not None
    assert caught.value.source.line == 21
    assert "$NOPE is not set" in str(caught.value)


def test_unbound_inside_a_default() -> None:
    (echo,) = invocations(parse("echo ${A:-$B}"))
    with pytest.raises(UnboundVariable, match=r"\$B"):
        expand_argv(echo.argv, {})
    assert expand_argv(echo.argv, {"A": "a"}) == ["echo", "a"]


def test_variables_of_an_invocation() -> None:
    (curl,) = invocations(
        parse(
            'curl -H "Authorization: Bearer $TOKEN" ${BASE:-$URL}/x -d @- <<EOF | jq $F\n$BODY\nEOF'
        )
    )
    assert curl.variables() == {"TOKEN", "BASE", "URL", "BODY", "F"}


# -- heredocs and here-strings --------------------------------------------------------------


def heredoc(text: str, env: dict[str, str] | None = None) -> str:
    (command,) = invocations(parse(text))
    assert command.stdin is not None
    return expand_string(command.stdin, env or {"X": "x y"}, no_substitution)


HEREDOC_CASES = [
    (
        "expanded",
        'curl -d @- u <<EOF\n{"a": "$X", "b": "\\$X \\" \\\\ \\n"}\nEOF',
        '{"a": "x y", "b": "$X \\" \\ \\n"}\n',
    ),
    ("quoted delimiter", 'curl -d @- u <<\'EOF\'\n{"a": "$X"}\nEOF', '{"a": "$X"}\n'),
    ("double-quoted delimiter", 'curl -d @- u <<"EOF"\n$X\nEOF', "$X\n"),
    ("strip tabs", "curl -d @- u <<-EOF\n\t\t{\n\t  $X\n\t}\n\tEOF", "{\n  x y\n}\n"),
    ("strip tabs quoted", "curl -d @- u <<-'EOF'\n\t$X\n\tEOF", "$X\n"),
    ("empty", "curl -d @- u <<EOF\nEOF", ""),
    ("continuation in body", "curl -d @- u <<EOF\na\\\nb\nEOF", "ab\n"),
    ("single quotes stay", "curl -d @- u <<EOF\n'$X'\nEOF", "'x y'\n"),
    ("here-string", 'curl -d @- u <<< "$X"', "x y\n"),
]


@pytest.mark.parametrize(
    ("text", "expected"), [c[1:] for c in HEREDOC_CASES], ids=[c[0] for c in HEREDOC_CASES]
)
def test_heredoc(text: str, expected: str) -> None:
    assert heredoc(text) == expected


def test_heredoc_with_pipe_and_following_command() -> None:
    script = parse("curl -d @- u <<EOF | jq -r .id && echo done\n{}\nEOF\ncurl v")
    first, second, third = invocations(script)
    assert first.stdin is not None
    assert expand_string(first.stdin, {}) == "{}\n"
    assert [[w.literal for w in s] for s in first.pipeline] == [["jq", "-r", ".id"]]
    assert (second.program, second.source.line) == ("echo", 20)
    assert (third.program, third.source.line) == ("curl", 23)


def test_heredoc_inside_a_substitution() -> None:
    (assignment,) = parse('ID=$(curl -d @- u <<EOF | jq -r .id\n{"n": "$N"}\nEOF\n)').commands
    assert isinstance(assignment, Assignment)
    (part,) = assignment.value.parts
    assert isinstance(part, CommandSubstitution)
    assert part.command.stdin is not None
    assert expand_string(part.command.stdin, {"N": "a"}) == '{"n": "a"}\n'
    assert assignment.value.variables() == {"N"}


# -- pipelines ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    ["curl u | jq", "curl u | jq .", "curl u | jq -r '.a'", "curl u | jq -rc .a | jq .",
     "curl u | python -m json.tool", "curl u | python3 -m json.tool", 'curl u | jq "$F"'],
)  # fmt: skip
def test_accepted_pipelines(text: str) -> None:
    (curl,) = invocations(parse(text))
    assert curl.program == "curl"
    assert curl.pipeline
    assert all(stage[0].literal in ("jq", "python", "python3") for stage in curl.pipeline)


# -- errors ---------------------------------------------------------------------------------

ERROR_CASES: list[tuple[str, str, int, str]] = [
    ("or", "true\ncurl u || echo no", 21, "`||`"),
    ("background", "curl u &", 20, "background"),
    ("redirect out", "curl u > out.json", 20, "redirection `> out.json`"),
    ("redirect fd", "echo\ncurl u 2>&1", 21, "redirection `2>&1`"),
    ("redirect in", "curl -d @- u < body.json", 20, "redirection `< body.json`"),
    ("for", "for i in 1 2; do curl u; done", 20, "`for` loop"),
    ("while", "while true; do x; done", 20, "`while`"),
    ("if", "if x; then y; fi", 20, "`if`"),
    ("subshell", "(curl u)", 20, "subshell"),
    ("group", "{ curl u; }", 20, "command group"),
    ("function", "f() { x; }", 20, "function"),
    ("negation", "! curl u", 20, "negation"),
    ("test", "[ -n x ]", 20, "test"),
    ("pipe into other", "curl u | grep x", 20, "`grep x` after `|`"),
    ("pipe stderr", "curl u |& jq .", 20, "`|&`"),
    ("jq option", "curl u | jq -S .", 20, "jq option `-S`"),
    ("jq two filters", "curl u | jq . file.json", 20, "one filter"),
    ("python other", "curl u | python -c 'x'", 20, "json.tool"),
    ("arithmetic", "echo $((1 + 2))", 20, "arithmetic"),
    ("old arithmetic", "echo $[1]", 20, "arithmetic"),
    ("process substitution", "diff <(a) <(b)", 20, "process substitution"),
    ("backquotes", "echo `date`", 20, "backquote"),
    ("assign default", "echo ${A:=x}", 20, "${A:=...}"),
    ("length", "echo ${#A}", 20, "${#A}"),
    ("suffix removal", "echo ${A%x}", 20, "${A%...}"),
    ("alternative", "echo ${A:+x}", 20, "${A:+...}"),
    ("array element", "echo ${A[0]}", 20, "subscript"),
    ("positional", "echo $1", 20, "special parameter $1"),
    ("status", "echo $?", 20, "special parameter $?"),
    ("translated", 'echo $"x"', 20, 'locale translation $"..."'),
    ("brace expansion", 'curl -d {"a":1,"b":2} u', 20, "brace expansion"),
    ("sequence expansion", "echo {1..3}", 20, "brace expansion"),
    ("declare", "declare X=1", 20, "`declare`"),
    ("local", "local X", 20, "`local`"),
    ("export flag", "export -n X", 20, "`export -n`"),
    ("append", "X+=1", 20, "`+=`"),
    ("array assignment", "X=(1 2)", 20, "array"),
    ("export reads itself", "export A=1 B=$A", 20, "write two export lines"),
    ("substitution with two commands", "X=$(a; b)", 20, "exactly one command"),
    ("substitution assignment", "X=$(Y=1)", 20, "exactly one command"),
    ("unterminated double", 'echo ok\ncurl "u', 21, "unterminated double quote"),
    ("unterminated single", "curl 'u", 20, "unterminated single quote"),
    ("unclosed heredoc", "curl -d @- u <<EOF\n{}", 20, "heredoc"),
    ("two heredocs", "curl <<A <<B\na\nA\nb\nB", 20, ""),
    ("trailing backslash space", "curl u \\ \n  -H x", 20, "backslash followed by spaces"),
    ("trailing backslash tab", "echo\ncurl u \\\t\n  -H x", 21, "backslash followed by spaces"),
    ("trailing backslash at end", "curl u \\  ", 20, "backslash followed by spaces"),
    ("pipe at end", "curl u |", 20, ""),
    ("arithmetic in heredoc", "cat <<EOF\n$((1 + 2))\nEOF", 21, "arithmetic"),
    ("nul", "curl u\0", 20, "NUL"),
    ("non-ascii name", "\nnamé=1", 21, "not a valid shell variable name"),
]


@pytest.mark.parametrize(
    ("text", "line", "fragment"), [c[1:] for c in ERROR_CASES], ids=[c[0] for c in ERROR_CASES]
)
def test_errors(text: str, line: int, fragment: str) -> None:
    with pytest.raises(DocError) as caught:
        parse(text)
    assert caught.value.source is not None
    assert caught.value.source.line == line
    assert caught.value.source.path == GUIDE.path
    assert fragment in caught.value.message
    assert "internal error" not in caught.value.message


@pytest.mark.parametrize(
    "text",
    [
        "echo '\\  \n'",
        "cat <<'EOF'\na \\  \nEOF",
        'echo "a \\  \nb"',
        "echo # c \\  ",
        "echo \\\\  ",
    ],
)
def test_backslash_space_inside_text_is_fine(text: str) -> None:
    parse(text)


def test_export_without_value_is_a_no_op() -> None:
    assert parse("export X").commands == ()


# -- differential check against the real bash (bash is only the oracle) ----------------------

ORACLE_ENV = {"A": "a  b", "E": "", "T": "tok", "WS": " \tx\n y ", "U": "ünï $A", "Q": "'\"\\"}

ORACLE_WORDS = [
    "a b c",
    "'single $A \\n'",
    '"double $A"',
    "$A $WS",
    "x$A\"y\"$WS'z'",
    '"$E" $E "" \'\' a""',
    "$'a\\tb\\n\\x41\\101\\u00e9\\cA\\q\\\\\\''",
    "$'a\\0b'c",
    'a\\ b\\$c\\"d\\\\',
    '"\\$ \\` \\" \\\\ \\a \\n"',
    '${NOPE:-def} ${E:-def} x${E-def}y "${NOPE:-a  b}" ${NOPE:-a  b}',
    '${NOPE:-"a  b"}x "${NOPE:-\'x\'}" ${NOPE:-$A} "${NOPE:-$A}"',
    "${T}x$T$T",
    '$ a$ "$" "a$"',
    "a\\\nb",
    '"multi\nline"',
    "x${E}y ${E}",
    "\"$A\"'$A'$A",
    '-H "Authorization: Bearer $T"',
    "http://x/a?b=1 '*' a#b",
    '"$U" $U',
    '"$Q" $Q \'"\'"\'"\'"\'',
    "a=b '{\"k\": [1, 2]}'",
    "$'\\'' \"'\" '\"'",
    "a\u00a0b '\u2003' x\u3000y",
    '"${NOPE:-"a  b"}" ${NOPE:-\\"x} "${NOPE:-a\\"b}" "${NOPE:-a\\}b}" ${NOPE:-a\\}b}',
    "${NOPE:-'a}'} \"${NOPE:-$'\\t'}\" ${NOPE:-$'\\t'} ${NOPE:-${T:-x}}",
    '"${NOPE:-${NOPE:-"y z"}}" "${NOPE:-\\$\\`\\\\}" "${NOPE:-\\a}" ${NOPE:- }x',
    "$'\\x' $'\\u' $'\\cz\\c?' $'\\xc3\\xa9' $'\\U0001F600\\u263a' $'\\12\\0123'",
]


@pytest.fixture(scope="module")
def bash() -> str:
    found = shutil.which("bash")
    if found is None:
        pytest.skip("bash is not installed")
    return found


@pytest.mark.parametrize("words", ORACLE_WORDS)
def test_expansion_matches_bash(words: str, bash: str, tmp_path: Path) -> None:
    script = f"printf '%s\\0' {words}"
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", **ORACLE_ENV}
    # An empty working directory: a glob that matches nothing stays as written, as we assume.
    done = subprocess.run(
        [bash, "--noprofile", "--norc", "-c", script],
        env=env, cwd=tmp_path, capture_output=True, check=True,
    )  # fmt: skip
    (printf,) = invocations(parse(script))
    ours = expand_argv(printf.argv, ORACLE_ENV, no_substitution)[2:]
    expected = done.stdout.decode("utf-8").split("\0")[:-1]
    assert ours == expected


def test_substitution_inside_a_heredoc_default() -> None:
    (curl,) = invocations(parse('curl -d @- u <<EOF\n{"a": "${A:-$(curl v | jq -r .x)}"}\nEOF'))
    assert curl.stdin is not None
    assert expand_string(curl.stdin, {}, lambda inner: f"<{inner.text}>\n") == (
        '{"a": "<curl v | jq -r .x>"}\n'
    )


def test_large_code_points_do_not_crash_the_parser() -> None:
    # tree-sitter-bash's scanner reads out of bounds (a segfault) on large code points after
    # `{`, `$` or `-`; run it in a child: a regression fails this test, not the session.
    child = (
        "from runner.model.errors import DocError\n"
        "from runner.translate.shell.script import parse_script\n"
        "from runner.model.source import Source\n"
        "for cp in range(0x10000, 0x110000, 257):\n"
        "    c = chr(cp)\n"
        "    try:\n"
        "        parse_script(f'echo {{{c} ${c} [[ -{c} ]]', source=Source('g.md', 1))\n"
        "    except DocError:\n"
        "        pass\n"
    )
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")


ORACLE_VALUES = [  # one shell word each
    "$A",
    "\"$'x'\"$'a\\tb'",
    "\"${NOPE:-'q'}\"${NOPE:-'q'}",
    "${NOPE:-a  b}$WS",
    '"${NOPE:-"a  b"}"',
    "{a,b}",
    "\"$U\"'$U'$U",
    "",
    "~x*",
]


def run_bash(script: str, bash: str, cwd: Path) -> list[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LC_ALL": "C.UTF-8", **ORACLE_ENV}
    done = subprocess.run(
        [bash, "--noprofile", "--norc", "-c", script],
        env=env, cwd=cwd, capture_output=True, check=True,
    )  # fmt: skip
    return done.stdout.decode("utf-8").split("\0")[:-1]


@pytest.mark.parametrize("value", ORACLE_VALUES)
def test_assignment_value_matches_bash(value: str, bash: str, tmp_path: Path) -> None:
    (assignment,) = parse(f"V={value}").commands
    assert isinstance(assignment, Assignment)
    expected = run_bash(f"V={value}\nprintf '%s\\0' \"$V\"", bash, tmp_path)
    assert [expand_string(assignment.value, ORACLE_ENV, no_substitution)] == expected


@pytest.mark.parametrize("value", ORACLE_VALUES[:5])
def test_here_string_and_heredoc_match_bash(value: str, bash: str, tmp_path: Path) -> None:
    script = f"cat <<< {value}; printf '\\0'; cat <<EOF\n{value} \\$A \"$T\"\nEOF\nprintf '\\0'"
    first, second = invocations(parse(script))[0::2]
    stdins = [c.stdin for c in (first, second) if c.stdin is not None]
    assert len(stdins) == 2
    ours = [expand_string(stdin, ORACLE_ENV, no_substitution) for stdin in stdins]
    assert ours == run_bash(script, bash, tmp_path)
