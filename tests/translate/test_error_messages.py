"""Messages that say how to fix it: curl option hints and shell errors that quote the text.

Each refusal is checked through the planner, as a writer meets it (`path:line: message`,
the line of the word to blame), and, where the message claims something about curl or
bash, the real program is asked: real curl reads `-data` as `-d ata`, and bash rejects
every script called a syntax error here, at the token quoted.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import httpx
import pytest

from runner.model.errors import DocError
from runner.model.source import Source
from runner.plan.planner import plan_text
from runner.translate.curl.request import build_request, to_request
from runner.translate.shell.script import parse_script
from tests.translate.echo import EchoServer, run_real_curl

GUIDE = Source("docs/guide.md", 20)
URL = "http://localhost:3000/api/v1/agents"


def only_error(markdown: str) -> tuple[int, int, str]:
    """The one planning error of a guide: its line, its column and its message."""
    guide = plan_text(markdown, "g.md")
    assert len(guide.errors) == 1, guide.errors
    source, message = guide.errors[0]
    return source.line, source.column, message


def bash_block(*lines: str) -> str:
    """A guide whose only block holds these lines, the first of them on line 4."""
    return "# Guide\n\n```bash\n" + "".join(line + "\n" for line in lines) + "```\n"


def refusal(*argv: str) -> str:
    with pytest.raises(DocError) as caught:
        build_request(["curl", *argv])
    return caught.value.message


# -- curl: the nearest supported option ---------------------------------------------------


def test_lower_case_x_with_a_method_suggests_upper_case_x_at_its_line() -> None:
    line, _, message = only_error(bash_block(
        f"curl {URL} \\",
        "  -x POST \\",
        "  -H 'Content-Type: application/json'",
    ))
    assert line == 5
    # What -x is, that it is refused, then the option that was meant.
    assert message == (
        "curl: option -x (--proxy) is outside the supported flag set (did you mean -X?)"
    )


def test_lower_case_h_is_curls_help_and_before_a_header_means_upper_case_h() -> None:
    # The -H on the next line must not pull the error there: the hint is not the blame.
    line, _, message = only_error(bash_block(
        f"curl {URL} \\",
        '  -h "Authorization: Bearer $BOOTSTRAP_TOKEN" \\',
        "  -H 'Accept: application/json'",
    ))
    assert line == 5
    assert message == (
        "curl: option -h (--help) is outside the supported flag set (did you mean -H?)"
    )


def test_long_option_with_a_near_spelling() -> None:
    line, _, message = only_error(bash_block(
        f"curl -X POST {URL} \\",
        "  --heder 'Content-Type: application/json' \\",
        "  -d '{}'",
    ))
    assert line == 5
    assert message == "curl: unknown option --heder (did you mean --header?)"


def test_long_name_written_with_one_dash_says_how_curl_reads_it() -> None:
    line, _, message = only_error(bash_block(
        f"curl -X POST {URL} \\",
        "  -H 'Content-Type: application/json' \\",
        "  -data '{\"name\": \"bot\"}'",
    ))
    assert line == 6
    assert message == (
        "curl: option -data has one dash, so curl reads it as `-d ata` (did you mean --data?)"
    )


def test_curl_really_reads_one_dash_data_as_d_ata(
    tmp_path: Path, echo: EchoServer, client: httpx.Client
) -> None:
    # The claim in the message above, asked of the real curl: it posts the body `ata`.
    status, received = run_real_curl(f"curl -s -data {echo.origin}/x", tmp_path, echo)
    assert status == 0
    assert [(r.method, r.body) for r in received] == [("POST", b"ata")]


@pytest.mark.parametrize(
    ("argv", "hint"),
    [
        (["-xPOST"], "-X"),
        (["-sSx", "put"], "-X"),
        (["-D", '{"a": 1}'], "-d"),
        (["-D", "grant_type=client_credentials"], "-d"),
        (["-O", "agent.json"], "-o"),
        (["-l"], "-L"),
        (["-V"], "-v"),
        (["-U", "client-id:secret"], "-u"),
        (["-W", "%{http_code}"], "-w"),
        (["--X", "POST"], "-X"),
        (["--d", "a=1"], "-d"),
        (["--requst", "POST"], "--request"),
        (["--bearer", "tok"], "--oauth2-bearer"),
        (["--query", "a=1"], "--url-query"),
        (["--jsn", "{}"], "--json"),
        (["-header", "A: b"], "--header"),
        (["-silent"], "--silent"),
        (["-no-progress-meter"], "--no-progress-meter"),
        (["-fail-with-body"], "--fail-with-body"),
    ],
)
def test_hint_names_the_supported_option_that_was_meant(argv: list[str], hint: str) -> None:
    message = refusal(*argv, "localhost:3000")
    assert message.endswith(f"(did you mean {hint}?)"), message
    # The refused word itself is named before the hint.
    assert argv[0] in message.split(" (did you mean")[0]


@pytest.mark.parametrize(
    "argv",
    [
        ["-x", "http://proxy.internal:8080"],  # a real proxy: -X is not what was meant
        ["-D", "-"],  # dumping headers to stdout is what -D does
        ["-D", "headers.txt"],
        ["-O", "http://localhost:3000/file"],  # -O then a URL is curl's remote name
        ["-h", "localhost:3000/x"],  # help, with nothing that looks like a header
        ["-E", "client.pem"],
        ["--proxy", "http://p:1"],
    ],
)
def test_no_hint_where_the_option_is_used_for_what_it_is(argv: list[str]) -> None:
    message = refusal(*argv, "localhost:3000")
    assert "outside the supported flag set" in message
    assert "did you mean" not in message


@pytest.mark.parametrize("cluster", ["-sSL", "-fsSL", "-sS", "-ik", "-sv", "-XPOST", "-sf"])
def test_short_clusters_are_not_taken_for_long_names(cluster: str) -> None:
    to_request(f"curl {cluster} localhost:3000")


# -- shell: syntax errors quote where reading stopped -------------------------------------

SYNTAX: list[tuple[str, str, tuple[int, int], str]] = [
    (
        "unexpected paren",
        'curl -X POST http://localhost:3000/x \\\n  -d \'{"a": 1}\' )',
        (21, 17),
        "shell syntax error: unexpected `)` in `-d '{\"a\": 1}' )`",
    ),
    (
        "doubled operator",
        "curl http://x && && curl http://y",
        (20, 15),
        "shell syntax error: unexpected `&&` in `curl http://x && && curl http://y`",
    ),
    (
        "unterminated single quote",
        'curl -X POST http://x \\\n  -d \'{"email": "x@y.example",\n  "name": "bot"}\n',
        (21, 6),
        "unterminated single quote starting at `'{\"email\": \"x@y.example\", ...`: "
        "expected a closing `'` before the end of the block",
    ),
    (
        "unterminated double quote",
        'curl -H "Authorization: Bearer $TOKEN http://x',
        (20, 9),
        "unterminated double quote starting at `\"Authorization: Bearer $TOKEN http://x`: "
        'expected a closing `"` before the end of the block',
    ),
    (
        "unterminated substitution",
        "export ID=$(curl http://x | jq -r .id",
        (20, 11),
        "unterminated `$(` starting at `$(curl http://x | jq -r .id`: expected a closing `)` "
        "before the end of the block",
    ),
    (
        "unterminated parameter",
        "curl http://x/${AGENT_ID",
        (20, 15),
        "unterminated `${` starting at `${AGENT_ID`: expected a closing `}` before the end of "
        "the block",
    ),
    (
        "pipe into nothing",
        "curl http://x |",
        (20, 15),
        "shell syntax error: expected a command after `|` in `curl http://x |`",
    ),
    (
        "reserved word alone",
        "curl http://x\n  fi",
        (21, 3),
        "shell syntax error: unexpected `fi` in `fi`",
    ),
    (
        "reserved word after a command",
        "curl http://x; then curl http://y",
        (20, 16),
        "shell syntax error: unexpected `then` in `curl http://x; then curl http://y`",
    ),
    (
        "long line is clipped around the token",
        "curl -H 'Authorization: Bearer eyJhbGciOiJSUzI1NiJ9.payload.signature' http://x )",
        (20, 81),
        "shell syntax error: unexpected `)` in "
        "`...n: Bearer eyJhbGciOiJSUzI1NiJ9.payload.signature' http://x )`",
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "message"), [c[1:] for c in SYNTAX], ids=[c[0] for c in SYNTAX]
)
def test_syntax_error_quotes_the_text_at_its_line_and_column(
    text: str, where: tuple[int, int], message: str
) -> None:
    with pytest.raises(DocError) as caught:
        parse_script(text, source=GUIDE)
    assert caught.value.source is not None
    assert (caught.value.source.line, caught.value.source.column) == where
    assert caught.value.message == message


@pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")
@pytest.mark.parametrize(
    ("text", "message"), [(c[1], c[3]) for c in SYNTAX], ids=[c[0] for c in SYNTAX]
)
def test_bash_rejects_each_syntax_error_at_the_token_quoted(text: str, message: str) -> None:
    done = subprocess.run(["bash", "-n", "-c", text], capture_output=True, text=True)
    assert done.returncode != 0, "bash reads this script, so it is no syntax error"
    said = re.search(r"near unexpected token `(.+?)'", done.stderr)
    quoted = re.search(r"unexpected `(.+?)` in", message)
    if said and quoted:
        assert quoted.group(1) == said.group(1)


def test_unclosed_heredoc_names_its_delimiter() -> None:
    # bash only warns here (the body ends at the end of input); in a guide the block's end
    # is almost always a forgotten delimiter line, so it is refused, saying which.
    with pytest.raises(DocError) as caught:
        parse_script('curl -d @- http://x <<EOF\n{"a": 1}', source=GUIDE)
    assert caught.value.source is not None
    assert (caught.value.source.line, caught.value.source.column) == (20, 21)
    assert caught.value.message == (
        "heredoc `<<EOF` is not closed: expected a line `EOF` before the end of the block"
    )


def test_syntax_error_in_a_guide_is_at_the_quote_that_opens_it() -> None:
    line, column, message = only_error(bash_block(
        f"curl -X POST {URL} \\",
        "  -H 'Content-Type: application/json' \\",
        "  -d '{\"email\": \"bot@example.com\"}",
    ))
    assert (line, column) == (6, 6)
    assert message.startswith("unterminated single quote starting at `'{\"email\": ")


# -- shell: the design's refusals quote the construct -------------------------------------

REFUSED: list[tuple[str, str, tuple[int, int], str]] = [
    (
        "or",
        f'curl -f {URL} || echo "failed"',
        (20, 45),
        f'`||` in `curl -f {URL} || echo "failed"` is not supported '
        "(only `;` and `&&` join commands)",
    ),
    (
        "for loop",
        "for i in 1 2 3; do\n  curl http://x/$i\ndone",
        (20, 1),
        "a `for` loop `for i in 1 2 3; do ...` is not supported in a guide's shell",
    ),
    (
        "for loop missing its semicolon",
        "for i in 1 2 do curl http://x; done",
        (20, 1),
        "a `for` loop `for i in 1 2 do curl http://x; done` is not supported in a guide's "
        "shell",
    ),
    (
        "subshell",
        "(cd /tmp && curl http://x)",
        (20, 1),
        "a subshell `(cd /tmp && curl http://x)` is not supported in a guide's shell",
    ),
    (
        "if",
        "if curl -f http://x; then echo ok; fi",
        (20, 1),
        "an `if` statement `if curl -f http://x; then echo ok; fi` is not supported in a "
        "guide's shell",
    ),
    (
        "redirection",
        "curl http://x > agent.json",
        (20, 15),
        "redirection `> agent.json` is not supported (only a heredoc or here-string feeding "
        "`-d @-`)",
    ),
    (
        "background",
        "curl http://x &",
        (20, 15),
        "`&` in `curl http://x &` is not supported (it runs the command in the background)",
    ),
    (
        "backquotes",
        'curl -H "Authorization: Bearer `cat token.txt`" http://x',
        (20, 32),
        "backquote command substitution is not supported, use $(cat token.txt)",
    ),
    (
        "arithmetic",
        "curl http://x/$((1 + 2))",
        (20, 15),
        "arithmetic expansion `$((1 + 2))` is not supported in a guide's shell",
    ),
]


@pytest.mark.parametrize(
    ("text", "where", "message"), [c[1:] for c in REFUSED], ids=[c[0] for c in REFUSED]
)
def test_refusal_quotes_the_construct(text: str, where: tuple[int, int], message: str) -> None:
    with pytest.raises(DocError) as caught:
        parse_script(text, source=GUIDE)
    assert caught.value.source is not None
    assert (caught.value.source.line, caught.value.source.column) == where
    assert caught.value.message == message
