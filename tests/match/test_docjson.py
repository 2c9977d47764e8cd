"""Documented JSON: `...`, comments, trailing commas, placeholders, and lines for every node."""

from __future__ import annotations

import pytest

from runner.model.document import DocAny, DocArray, DocEllipsis, DocObject, DocScalar, DocValue
from runner.model.errors import DocError
from runner.model.source import Source
from runner.translate.docjson import has_error_shape, parse_documented_json, top_level_keys

AT = Source("docs/guide.md", 20)


def parse(text: str) -> DocValue:
    return parse_documented_json(text, source=AT)


def plain(node: DocValue | DocEllipsis) -> object:
    """The node as Python data, `...` written as the string "<...>"."""
    if isinstance(node, DocScalar):
        return node.value
    if isinstance(node, DocAny | DocEllipsis):
        return "<...>"
    if isinstance(node, DocArray):
        return [plain(item) for item in node.items]
    members = {member.key: plain(member.value) for member in node.members}
    if node.more:
        members["<more>"] = True
    return members


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1, "b": [true, null], "c": "x"}', {"a": 1, "b": [True, None], "c": "x"}),
        ('{"a": 1.5, "b": -2, "c": 1e3}', {"a": 1.5, "b": -2, "c": 1000.0}),
        ('{"a": 1, ...}', {"a": 1, "<more>": True}),
        ('{"a": 1, …}', {"a": 1, "<more>": True}),
        ('{"a": ...}', {"a": "<...>"}),
        ('[1, ..., 3]', [1, "<...>", 3]),
        ('[...]', ["<...>"]),
        ('[{"id": 1}, …]', [{"id": 1}, "<...>"]),
        ('{"a": 1,}', {"a": 1}),
        ('[1, 2,]', [1, 2]),
        ('{"a": 1, // the id\n "b": 2}', {"a": 1, "b": 2}),
        ('/* head */ {"a": /* inline */ 1}', {"a": 1}),
        ('{"url": "http://x//y", "c": "/* no */"}', {"url": "http://x//y", "c": "/* no */"}),
        ('{"s": "a3f7c821-..."}', {"s": "a3f7c821-..."}),
        ('{"e": "\\u00e9\\n"}', {"e": "é\n"}),
        ('"text"', "text"),
        ("[]", []),
        ("{}", {}),
    ],
)
def test_documented_json_parses_as_people_write_it(text: str, expected: object) -> None:
    assert plain(parse(text)) == expected


def test_deep_but_bounded_nesting_and_surrogate_pairs_are_read() -> None:
    node: object = parse("[" * 100 + "]" * 100)
    depth = 0
    while isinstance(node, DocArray) and node.items:
        node, depth = node.items[0], depth + 1
    assert depth == 99 and node == DocArray((), Source("docs/guide.md", 20, 100))
    assert parse('"\\ud83d\\ude00"') == DocScalar("\U0001f600", Source("docs/guide.md", 20, 1))


def test_bare_placeholder_is_a_placeholder_scalar() -> None:
    doc = parse('{"agentId": <agent-id>}')
    assert isinstance(doc, DocObject)
    value = doc.members[0].value
    assert isinstance(value, DocScalar)
    assert (value.value, value.placeholder) == ("<agent-id>", True)


def test_every_node_keeps_its_markdown_line() -> None:
    doc = parse('{\n  "a": 1,\n  "b": [\n    "x",\n    ...,\n    "z"\n  ],\n  "c": ...\n}')
    assert isinstance(doc, DocObject)
    assert doc.source.line == 20
    a, b, c = doc.members
    assert (a.source.line, a.value.source.line) == (21, 21)
    assert b.source.line == 22
    assert isinstance(b.value, DocArray)
    assert [item.source.line for item in b.value.items] == [23, 24, 25]
    assert c.source.line == 27
    assert isinstance(c.value, DocAny)


def test_columns_point_at_the_value() -> None:
    doc = parse('{\n  "status": "active"\n}')
    assert isinstance(doc, DocObject)
    member = doc.members[0]
    assert (member.source.line, member.source.column) == (21, 3)
    assert (member.value.source.line, member.value.source.column) == (21, 13)


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ('{\n  "a": 1\n  "b": 2\n}', 22, ["expected `,` or `}`", 'string "b"']),
        ('{\n  "a" 1\n}', 21, ["expected `:`", "`1`"]),
        ("[1,\n 2", 21, ["expected `,` or `]`", "the end of the JSON"]),
        ("", 20, ["expected a JSON value", "nothing"]),
        ("  // only a comment\n", 20, ["expected a JSON value", "nothing"]),
        ('{"a": 1}}', 20, ["expected the end of the JSON", "`}`"]),
        ('{\n"a": tru}', 21, ["expected a JSON value", "`tru`"]),
        ("{\n/* open", 21, ["comment is never closed"]),
        ('{\n"a": 1,\n"a": 2}', 22, ['key "a" is written twice', "line 21"]),
        ("{\n  'a': 1}", 21, ["`'a'`"]),
        ('{"a": "x\\q"}', 20, ["string escape"]),
        ('{\n  "a": [1, 2], 3}', 21, ["expected a key"]),
        ("{\n\n  \"a\": }", 22, ["expected a JSON value", "`}`"]),
        ('{"a": "line\nbreak"}', 20, ["expected a JSON value or punctuation"]),
        ('{\n  "total": "\\ud800"}', 21, ["string escape", "half of a surrogate pair"]),
        ("{\"a\":\n" + "[" * 100 + "]" * 100 + "}", 21, ["at most 100 levels of nesting"]),
    ],
)
def test_invalid_documented_json_is_a_doc_error_at_its_line(
    text: str, line: int, words: list[str]
) -> None:
    with pytest.raises(DocError) as caught:
        parse(text)
    assert caught.value.source is not None
    assert caught.value.source.path == "docs/guide.md"
    assert caught.value.source.line == line
    for word in words:
        assert word in caught.value.message


@pytest.mark.parametrize(
    ("text", "keys", "error"),
    [
        ('{"agentId": "x", "email": "y", ...}', ("agentId", "email"), False),
        ('{"code": "AGENT_NOT_FOUND", "message": "..."}', ("code", "message"), True),
        ('{"error": "invalid_client", "error_description": "x"}', ("error", "error_description"),
         True),
        ('{"data": [{"code": 1}]}', ("data",), False),
        ('[{"code": 1}]', (), False),
        ('"code"', (), False),
    ],
)
def test_top_level_keys_and_error_shape(text: str, keys: tuple[str, ...], error: bool) -> None:
    doc = parse(text)
    assert top_level_keys(doc) == keys
    assert has_error_shape(doc) is error


def test_trailing_blank_lines_of_any_length_are_read_once() -> None:
    # A fence padded with blank lines: the tokenizer stops at the last token, not rescans.
    assert parse("{}" + "\n" * 50_000) == DocObject((), Source("docs/guide.md", 20, 1))
