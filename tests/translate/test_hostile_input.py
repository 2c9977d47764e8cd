"""Hostile guides are refused at their line before a parser or the file system can stall.

Sizes are checked, not timed: each test asserts that the parser was never handed the text,
which is what keeps the refusal fast whatever the machine.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import runner.read.markdown
import runner.translate.shell.parse
import runner.translate.shell.syntax
from runner.cli import cli
from runner.model.errors import DocError
from runner.model.source import Source
from runner.plan.planner import plan_guide, plan_text
from runner.read.markdown import MAX_FENCE_BYTES, MAX_GUIDE_BYTES, Fence, read_markdown, read_path
from runner.translate.curl.body import MAX_FILE_BYTES
from runner.translate.curl.request import build_request
from runner.translate.shell.script import MAX_SHELL_BYTES, parse_script

# The probe's case: one unterminated default, then words that tree-sitter's error recovery
# revisits over and over (224 KB took 28 s).
_BROKEN = "curl ${A:-" + "a b " * 56_000


@pytest.fixture
def tree_sitter_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every length of text handed to tree-sitter while the test runs."""
    calls: list[int] = []
    real = runner.translate.shell.syntax.parse_tree

    def counted(data: bytes) -> object:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(runner.translate.shell.parse, "parse_tree", counted)
    yield calls


@pytest.fixture
def markdown_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    real = runner.read.markdown._parse

    def counted(text: str) -> object:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(runner.read.markdown, "_parse", counted)
    yield calls


def test_a_huge_broken_command_is_refused_before_tree_sitter(tree_sitter_calls: list[int]) -> None:
    with pytest.raises(DocError) as caught:
        parse_script(_BROKEN, source=Source("g.md", 7))
    assert str(caught.value) == (
        f"g.md:7: shell block too large to read, expected at most {MAX_SHELL_BYTES} bytes, "
        f"got {len(_BROKEN)}")
    assert tree_sitter_calls == []


def test_a_command_at_the_cap_is_still_read(tree_sitter_calls: list[int]) -> None:
    command = "curl http://localhost:3000/x -d '" + "x" * (MAX_SHELL_BYTES - 40) + "'"
    assert len(command) <= MAX_SHELL_BYTES
    parse_script(command, source=Source("g.md", 1))
    assert tree_sitter_calls == [len(command)]


def test_a_huge_guide_is_refused_before_markdown_it(markdown_calls: list[int]) -> None:
    text = "[" * (MAX_GUIDE_BYTES + 1)
    with pytest.raises(DocError) as caught:
        read_markdown(text, "g.md")
    assert str(caught.value) == (
        f"g.md:1: guide too large, expected at most {MAX_GUIDE_BYTES} bytes, got {len(text)}")
    assert markdown_calls == []


def test_a_huge_guide_file_is_refused_with_exit_2_under_lint(
    tmp_path: Path, markdown_calls: list[int]
) -> None:
    guide = tmp_path / "big.md"
    guide.write_text("Intro.\n\n```bash\n" + _BROKEN + "\n```\n" + "x\n" * 20_000)
    with pytest.raises(DocError, match="guide too large"):
        read_path(guide, "big.md")
    outcome = CliRunner().invoke(cli, ["--lint", str(guide)])
    assert outcome.exit_code == 2, outcome.output
    assert "guide too large, expected at most" in outcome.output
    assert markdown_calls == []


def test_a_huge_fence_is_an_error_at_its_line_and_never_a_block(
    tree_sitter_calls: list[int]
) -> None:
    body = "curl ${A:-" + "a b " * (MAX_FENCE_BYTES // 4)
    text = f"Intro.\n\n```bash\n{body}\n```\n\nAfter.\n\n```json\n{{}}\n```\n"
    document = read_markdown(text, "g.md")
    (error,) = document.errors
    assert str(error) == (
        f"g.md:3: code fence too large, expected at most {MAX_FENCE_BYTES} bytes, "
        f"got {len(body) + 1}")
    assert [block.lang for block in document.blocks if isinstance(block, Fence)] == ["json"]
    assert plan_text(text, "g.md").errors and tree_sitter_calls == []


def test_shell_in_one_guide_is_capped_in_total(tree_sitter_calls: list[int]) -> None:
    # Five blocks, each under the per-block cap, hand tree-sitter at most 64 KiB in all.
    block = "```bash\n" + "echo hello\n" * 1400 + "```\n\n"
    guide = plan_text(block * 5, "g.md")
    assert sum(tree_sitter_calls) <= 64 * 1024
    (error,) = guide.errors
    assert error[0].line == 1 + 4 * block.count("\n")
    assert error[1].startswith("shell blocks too large in total, expected at most 65536 bytes")


def test_real_guides_are_far_below_every_cap() -> None:
    docs = Path(__file__).parents[2] / "docs"
    for path in docs.rglob("*.md"):
        assert path.stat().st_size < MAX_GUIDE_BYTES // 4
        assert not plan_guide(path).errors


# -- fixture names (requires=) ------------------------------------------------------------


@pytest.mark.parametrize(("name", "why"), [
    ("x" * 300, "a fixture name of at most 128 characters, got 300"),
    ("a/" + "b" * 256, "a fixture name of at most 128 characters, got 258"),
    ("a/../b", "got 'a/../b'"),
    (".hidden", "got '.hidden'"),
    ("a b", None),  # two words: `b` is an unknown directive
    ("a\\b", "got 'a\\b'"),
])
def test_a_bad_fixture_name_is_an_error_at_the_directive(
    tmp_path: Path, name: str, why: str | None
) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "fixtures").mkdir()
    guide = plan_text(f"Intro.\n\n<!-- verify: requires={name} -->\n", "g.md", cwd=tmp_path)
    assert guide.errors and guide.errors[0][0].line == 3
    if why is not None:
        assert why in guide.errors[0][1]


def test_a_name_longer_than_the_file_system_allows_exits_2_under_lint(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("")
    (tmp_path / "fixtures").mkdir()
    guide = tmp_path / "g.md"
    guide.write_text(f"<!-- verify: requires={'a' * 300} -->\n")
    outcome = CliRunner().invoke(cli, ["--lint", str(guide)])
    assert outcome.exit_code == 2, outcome.output
    assert "g.md:1:" in outcome.output and "at most 128 characters" in outcome.output
    assert "Traceback" not in outcome.output


# -- files a command reads: regular files only ----------------------------------------------


def _without_hanging(call: Callable[[], object]) -> object:
    """Run `call` in a thread; a regression would block on the FIFO forever, so give up."""
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(call())
        except BaseException as error:  # handed back to the test
            outcome.append(error)

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(timeout=20)
    assert not thread.is_alive(), "blocked reading a FIFO"
    return outcome[0]


@pytest.fixture
def fifo_folder(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "body.json")
    return tmp_path


@pytest.mark.parametrize("words", [
    ["-d", "@body.json"],
    ["--data-binary", "@body.json"],
    ["--data-urlencode", "x@body.json"],
    ["--json", "@body.json"],
    ["-T", "body.json"],
    ["-F", "x=@body.json"],
    ["-F", "x=<body.json"],
])
def test_a_fifo_is_refused_before_it_is_opened(fifo_folder: Path, words: list[str]) -> None:
    argv = ["curl", "http://localhost:3000/api/v1/agents", *words]
    error = _without_hanging(lambda: build_request(argv, cwd=fifo_folder))
    assert isinstance(error, DocError), error
    assert "cannot read file 'body.json': not a regular file" in error.message


def test_a_fifo_body_under_lint_exits_2(fifo_folder: Path) -> None:
    guide = fifo_folder / "g.md"
    guide.write_text("```bash\ncurl -d @body.json http://localhost:3000/api/v1/agents\n```\n")
    outcome = _without_hanging(lambda: CliRunner().invoke(cli, ["--lint", str(guide)]))
    assert isinstance(outcome, Result)
    assert outcome.exit_code == 2, outcome.output
    assert "not a regular file" in outcome.output


def test_a_fifo_guide_is_refused(fifo_folder: Path) -> None:
    error = _without_hanging(lambda: read_path(fifo_folder / "body.json", "body.json"))
    assert isinstance(error, DocError)
    assert str(error) == "body.json:1: cannot read the guide: not a regular file"


def test_a_file_too_large_to_send_is_refused_unread(tmp_path: Path) -> None:
    with (tmp_path / "big.bin").open("wb") as big:
        big.truncate(MAX_FILE_BYTES + 1)  # sparse: nothing written, nothing read
    with pytest.raises(DocError, match=r"-T cannot read file 'big.bin': larger than"):
        build_request(["curl", "-T", "big.bin", "http://localhost:3000/x"], cwd=tmp_path)
