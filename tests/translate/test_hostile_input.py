"""Hostile guides are refused at their line before a parser or the file system can stall.

Sizes are checked, not timed: each test asserts that the parser was never handed the text,
which is what keeps the refusal fast whatever the machine.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

import runner._shell_parse
import runner._shell_syntax
import runner.read
from runner.cli import cli
from runner.errors import DocError
from runner.plan import plan_guide, plan_text
from runner.read import MAX_FENCE_BYTES, MAX_GUIDE_BYTES, Fence, read_markdown, read_path
from runner.shell import MAX_SHELL_BYTES, parse_script
from runner.source import Source

# The probe's case: one unterminated default, then words that tree-sitter's error recovery
# revisits over and over (224 KB took 28 s).
_BROKEN = "curl ${A:-" + "a b " * 56_000


@pytest.fixture
def tree_sitter_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Every length of text handed to tree-sitter while the test runs."""
    calls: list[int] = []
    real = runner._shell_syntax.parse_tree

    def counted(data: bytes) -> object:
        calls.append(len(data))
        return real(data)

    monkeypatch.setattr(runner._shell_parse, "parse_tree", counted)
    yield calls


@pytest.fixture
def markdown_calls(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    calls: list[int] = []
    real = runner.read._parse

    def counted(text: str) -> object:
        calls.append(len(text))
        return real(text)

    monkeypatch.setattr(runner.read, "_parse", counted)
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
