"""read: Markdown -> fences, prose and directives at their exact lines."""

from __future__ import annotations

from pathlib import Path

import pytest

from runner.model.errors import DocError
from runner.model.source import Source
from runner.read.markdown import Directive, Document, Fence, Prose, read_markdown, read_path

SAMPLES = Path(__file__).parents[1] / "samples"


def read_sample(name: str) -> Document:
    return read_path(SAMPLES / name, display_path=name)


def fences(document: Document) -> list[Fence]:
    return [block for block in document.blocks if isinstance(block, Fence)]


def directives(document: Document) -> list[Directive]:
    return [block for block in document.blocks if isinstance(block, Directive)]


def test_fence_in_list_strips_the_item_indentation() -> None:
    document = read_sample("fence-in-list.md")
    bash, json = fences(document)
    assert (bash.lang, bash.source, bash.content_line) == ("bash", Source("fence-in-list.md", 5), 6)
    assert bash.text.splitlines()[0] == "curl -X POST http://localhost:3000/api/v1/agents \\"
    assert bash.text.splitlines()[1] == '  -H "Authorization: Bearer $BOOTSTRAP_TOKEN" \\'
    assert (json.lang, json.source.line, json.content_line) == ("json", 13, 14)
    assert json.text == '{"agentId": "a3f7c821-...", "status": "active"}\n'


def test_tilde_fence() -> None:
    sh, json = fences(read_sample("tilde-fence.md"))
    assert (sh.lang, sh.source.line, sh.content_line) == ("sh", 3, 4)
    assert sh.text.startswith("curl http://localhost:3000/api/v1/agents \\\n")
    assert (json.lang, json.content_line) == ("json", 9)


def test_blockquote_fence_strips_the_marker() -> None:
    bash, json = fences(read_sample("blockquote-fence.md"))
    assert (bash.source.line, bash.content_line) == (3, 4)
    assert bash.text == (
        "curl http://localhost:3000/api/v1/agents \\\n"
        '  -H "Authorization: Bearer $BOOTSTRAP_TOKEN"\n'
    )
    assert (json.content_line, json.text) == (9, '{"data": [], "total": 0}\n')


def test_longer_fence_holds_a_shorter_one() -> None:
    outer, inner = fences(read_sample("nested-fence.md"))
    assert (outer.lang, outer.source.line) == ("markdown", 3)
    assert outer.text == "```bash\ncurl http://localhost:3000/api/v1/agents\n```\n"
    assert (inner.lang, inner.source.line, inner.content_line) == ("bash", 11, 12)


def test_hidden_fences_are_read_with_their_lines() -> None:
    document = read_sample("hidden-step.md")
    assert document.errors == ()
    (hidden,) = directives(document)
    assert hidden.hidden and hidden.source.line == 3
    bash, json, visible = fences(document)
    assert (bash.hidden, bash.source.line, bash.content_line) == (True, 4, 5)
    assert bash.text.startswith("curl -X POST")
    assert (json.hidden, json.content_line) == (True, 11)
    assert (visible.hidden, visible.content_line) == (False, 18)


def test_front_matter_is_skipped_and_lines_kept() -> None:
    document = read_sample("front-matter.md")
    prose = [block for block in document.blocks if isinstance(block, Prose)]
    assert [(p.text, p.source.line, p.kind) for p in prose] == [("Listing agents", 6, "heading")]
    (bash,) = fences(document)
    assert bash.content_line == 9


def test_prose_keeps_lines_and_inline_code() -> None:
    document = read_markdown("Intro\n\n- it returns\n  `201 Created`\n", "g.md")
    prose = [block for block in document.blocks if isinstance(block, Prose)]
    assert [(p.text, p.source.line) for p in prose] == [
        ("Intro", 1),
        ("it returns\n201 Created", 3),
    ]
    assert prose[1].line_of(prose[1].text.index("201")) == 4


def test_directive_words_and_values() -> None:
    text = (
        "<!-- verify: status=201 skip=\"needs a key\" capture=AGENT_ID:$.agentId\n"
        "     ignore=$.createdAt strict unordered='$.data' requires=agent -->\n"
    )
    document = read_markdown(text, "g.md")
    assert document.errors == ()
    (directive,) = directives(document)
    assert directive.status == 201
    assert directive.skip == "needs a key"
    assert directive.captures == (("AGENT_ID", "$.agentId", Source("g.md", 1)),)
    assert directive.ignore == ("$.createdAt",)
    assert directive.unordered == ("$.data",)
    assert directive.strict
    assert directive.requires == (("agent", Source("g.md", 2)),)


def test_only_verify_comments_are_directives() -> None:
    document = read_markdown("<!-- TODO: status=201 -->\n\n<!-- verify status -->\n", "g.md")
    assert document.blocks == ()
    assert document.errors == ()


def test_an_upper_case_prefix_is_still_a_directive() -> None:
    document = read_markdown("text\n\n<!-- VERIFY: status=404 -->\n", "g.md")
    [directive] = [block for block in document.blocks if isinstance(block, Directive)]
    assert (directive.status, directive.source.line) == (404, 3)


def test_inline_directive_in_a_paragraph() -> None:
    document = read_markdown("Create it.\nThen <!-- verify: status=204 --> delete.\n", "g.md")
    assert document.errors == ()
    prose, directive = document.blocks
    assert isinstance(prose, Prose) and isinstance(directive, Directive)
    assert (directive.status, directive.source.line) == (204, 2)


def test_unknown_directive_is_an_error_at_its_line() -> None:
    document = read_sample("unknown-directive.md")
    messages = [(str(error.source), error.message) for error in document.errors]
    assert messages == [
        (
            "unknown-directive.md:3",
            "unknown directive 'statsu', expected one of capture, hidden, ignore, requires, "
            "skip, status, strict, unordered, did you mean 'status'?",
        ),
        (
            "unknown-directive.md:11",
            "unknown directive 'captur', expected one of capture, hidden, ignore, requires, "
            "skip, status, strict, unordered, did you mean 'capture'?",
        ),
    ]


@pytest.mark.parametrize(
    ("comment", "message"),
    [
        ("status=abc", "status expects an HTTP status from 100 to 599, got 'abc'"),
        ("status=99", "status expects an HTTP status from 100 to 599, got '99'"),
        ("status", "directive 'status' needs a value (status=...)"),
        ("strict=yes", "directive 'strict' takes no value, got 'strict=yes'"),
        ("capture=AGENT_ID", "capture expects NAME:$.path, got 'AGENT_ID'"),
        ("capture=A:agentId", "capture expects a JSON path like $.field, got 'agentId'"),
        ("capture=A:$.data[", "capture: unsupported path `$.data[`, expected an index, a "
                              "quoted key or `*` inside `[]`, got the end of the path"),
        ("capture=A:$.data[*].agentId", "capture expects a path to one value, got "
                                        "'$.data[*].agentId' (`*` stands for every item)"),
        ("ignore=$..x", "ignore: unsupported path `$..x`, expected a key name after `.`, "
                        "got `.x`"),
        ("unordered=$.data[", "unordered: unsupported path `$.data[`, expected an index, a "
                              "quoted key or `*` inside `[]`, got the end of the path"),
        ("status=201 status=200", "status is written twice (201 and 200), expected one"),
        ("requires=../etc", "requires expects a fixture name under fixtures/ (letters, digits, "
                            "`-`, `_`, `/` between folders), like 'agent', got '../etc'"),
        ('skip="open', 'unclosed " quote in verify directive, expected a closing "'),
        ("", "empty verify directive, expected one of capture, hidden, ignore, requires, skip, "
             "status, strict, unordered"),
        ("bogus", "unknown directive 'bogus', expected one of capture, hidden, ignore, "
                  "requires, skip, status, strict, unordered"),
    ],
)
def test_bad_directive_words(comment: str, message: str) -> None:
    document = read_markdown(f"text\n\n<!-- verify: {comment} -->\n", "g.md")
    assert [(error.source, error.message) for error in document.errors] == [
        (Source("g.md", 3), message)
    ]


def test_hidden_without_a_fence_is_an_error() -> None:
    document = read_markdown("<!-- verify: hidden -->\n", "g.md")
    assert [(e.source, e.message) for e in document.errors] == [
        (Source("g.md", 1), "hidden directive holds no fenced block, expected a ``` fence "
                            "before -->")
    ]


def test_hidden_in_a_list_item() -> None:
    text = "- step\n\n  <!-- verify: hidden\n  ```bash\n  curl x\n  ```\n  -->\n"
    (fence,) = fences(read_markdown(text, "g.md"))
    assert (fence.hidden, fence.source.line, fence.text) == (True, 4, "curl x\n")


def test_crlf_and_bom_keep_lines() -> None:
    document = read_markdown("\ufeffA\r\n\r\n```json\r\n{}\r\n```\r\n", "g.md")
    (fence,) = fences(document)
    assert (fence.content_line, fence.text) == (4, "{}\n")


def test_non_utf8_file_is_a_doc_error(tmp_path: Path) -> None:
    guide = tmp_path / "latin1.md"
    guide.write_bytes("# Title\n\ncaf\u00e9\n".encode("latin-1"))
    with pytest.raises(DocError) as caught:
        read_path(guide, display_path="latin1.md")
    assert caught.value.source == Source("latin1.md", 3)
    assert caught.value.message == "not UTF-8: byte 0xe9 at line 3, expected UTF-8 text"


def test_binary_file_is_a_doc_error(tmp_path: Path) -> None:
    guide = tmp_path / "image.md"
    guide.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(DocError) as caught:
        read_path(guide, display_path="image.md")
    assert caught.value.source == Source("image.md", 3)
    assert caught.value.message == (
        "not a Markdown text file: NUL byte at line 3, expected UTF-8 text"
    )


def test_missing_file_is_a_doc_error(tmp_path: Path) -> None:
    with pytest.raises(DocError) as caught:
        read_path(tmp_path / "nope.md", display_path="nope.md")
    assert str(caught.value) == "nope.md:1: cannot read the guide: No such file or directory"


def test_a_fence_indented_in_a_content_tab_is_read_at_its_lines() -> None:
    text = ('=== "curl"\n\n'
            "    ```bash\n"  # 3
            "    curl http://localhost:3000/health\n"
            "    ```\n\n"
            '=== "Python"\n\n'
            "    ```python\n"  # 9
            "    import httpx\n"
            "    ```\n\n"
            "    just indented text, no fence\n")
    document = read_markdown(text, "g.md")
    assert document.errors == ()
    assert [(f.lang, f.source.line, f.content_line, f.text) for f in fences(document)] == [
        ("bash", 3, 4, "curl http://localhost:3000/health\n"),
        ("python", 9, 10, "import httpx\n"),
    ]
