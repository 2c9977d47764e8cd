"""The jq subset: parsing, selecting, and printing exactly what the real `jq` prints."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from runner.model.errors import DocError
from runner.model.source import Source
from runner.read.jq import (
    WILDCARD,
    PathNotFound,
    format_path,
    parse_path,
    path_matches,
    render,
    select,
)

DOC: dict[str, Any] = {
    "access_token": "eyJ.a.b",
    "expires_in": 3600,
    "ratio": 2.0,
    "big": 1e20,
    "small": 0.1,
    "active": True,
    "nothing": None,
    "data": [{"agentId": "a1", "tags": []}, {"agentId": "a2", "meta": {}}],
    "nested": {"a b": {"x": [1, "é", {"k": "v"}]}},
    "a|b": "pipe",
}


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        (".", ()),
        (".access_token", ("access_token",)),
        (".data[0].agentId", ("data", 0, "agentId")),
        (".data[-1]", ("data", -1)),
        ('.["a b"]', ("a b",)),
        ('.nested."a b".x', ("nested", "a b", "x")),
        (".data | .[0] | .agentId", ("data", 0, "agentId")),
        ('.["a|b"]', ("a|b",)),
        ("$", ()),
        ("$.data[0].agentId", ("data", 0, "agentId")),
        ("$['a b']", ("a b",)),
        ('$["a b"].x', ("a b", "x")),
        ("$.data[*].createdAt", ("data", WILDCARD, "createdAt")),
        ("$.data.*", ("data", WILDCARD)),
        ("  .a  ", ("a",)),
    ],
)
def test_parse_path(text: str, parts: tuple[object, ...]) -> None:
    assert parse_path(text) == parts


@pytest.mark.parametrize(
    "text",
    [".data[]", "keys", ".a | length", '.["a"', "", ".a.", "$.a | .b", ".[*]", "$.a[x]", ".a-b"],
)
def test_filters_outside_the_subset_are_doc_errors(text: str) -> None:
    at = Source("g.md", 7)
    with pytest.raises(DocError) as caught:
        parse_path(text, source=at)
    assert caught.value.source == at
    assert not isinstance(caught.value, PathNotFound)
    assert caught.value.exit_status == 2


@pytest.mark.parametrize(
    ("parts", "text"),
    [
        ((), "$"),
        (("data", 0, "agentId"), "$.data[0].agentId"),
        (("a b", -1), '$["a b"][-1]'),
        (("data", WILDCARD, "x"), "$.data[*].x"),
    ],
)
def test_format_path(parts: tuple[object, ...], text: str) -> None:
    assert format_path(parts) == text  # type: ignore[arg-type]


def test_path_matches_with_wildcards() -> None:
    assert path_matches(("data", WILDCARD, "createdAt"), ("data", 3, "createdAt"))
    assert not path_matches(("data", WILDCARD, "createdAt"), ("data", 3, "updatedAt"))
    assert not path_matches(("data",), ("data", 0))


@pytest.mark.parametrize(
    ("text", "where", "words"),
    [
        (".missing", "$.missing", "not found in the response"),
        (".data[5]", "$.data[5]", "has 2 items"),
        (".data[-3]", "$.data[-3]", "has 2 items"),
        (".expires_in.x", "$.expires_in.x", "a number, not an object"),
        (".nothing.x", "$.nothing.x", "null, not an object"),
        (".access_token[0]", "$.access_token[0]", "a string, not an array"),
    ],
)
def test_missing_paths_raise_path_not_found(text: str, where: str, words: str) -> None:
    with pytest.raises(PathNotFound) as caught:
        select(DOC, text, source=Source("g.md", 3))
    assert caught.value.path == where
    assert words in caught.value.message
    assert caught.value.exit_status == 1


def test_select_refuses_a_wildcard() -> None:
    with pytest.raises(DocError):
        select(DOC, "$.data[*].agentId")


FILTERS = [
    ".", ".access_token", ".expires_in", ".ratio", ".big", ".small", ".active", ".nothing",
    ".data", ".data[0]", ".data[-1].agentId", ".data[0].tags", ".data[1].meta",
    '.nested["a b"]', '.nested["a b"].x[1]', '.["a|b"]',
]


# What the real `jq` printed for each filter, recorded with jq 1.6 so that `make test` needs
# no jq; where jq is installed, the recording itself is checked against it too.
RECORDED = json.loads((Path(__file__).parent / "golden" / "jq-outputs.json").read_text())


@pytest.mark.parametrize("raw", [True, False], ids=["-r", "plain"])
@pytest.mark.parametrize("text", FILTERS)
def test_render_prints_what_real_jq_prints(text: str, raw: bool) -> None:
    judged = RECORDED[f"{'-r ' if raw else ''}{text}"]
    if shutil.which("jq") is not None:
        argv = ["jq", *(["-r"] if raw else []), text]
        live = subprocess.run(argv, input=json.dumps(DOC), capture_output=True, text=True,
                              check=True, encoding="utf-8")
        assert live.stdout == judged, "the recording no longer matches the installed jq"
    # `$(...)` drops the final newline: render() leaves it out.
    assert render(select(DOC, text), raw) == judged.removesuffix("\n")
