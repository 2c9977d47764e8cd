"""Variables in http blocks are filled the way the planner reads them, defaults included."""

from __future__ import annotations

import pytest

from runner.model.source import Source
from runner.translate.http_block import fill_template
from runner.translate.shell.script import UnboundVariable

AT = Source("g.md", 7)


@pytest.mark.parametrize(
    ("text", "variables", "filled"),
    [
        ("/agents/{{AGENT_ID}}", {"AGENT_ID": "a1"}, "/agents/a1"),
        ("/agents/${AGENT_ID}?x=$PAGE", {"AGENT_ID": "a1", "PAGE": "2"}, "/agents/a1?x=2"),
        ("?limit=${LIMIT:-20}", {}, "?limit=20"),
        ("?limit=${LIMIT:-20}", {"LIMIT": ""}, "?limit=20"),
        ("?limit=${LIMIT-20}", {"LIMIT": ""}, "?limit="),
        ("?limit=${LIMIT-20}", {}, "?limit=20"),
        ("?limit=${LIMIT:-20}", {"LIMIT": "5"}, "?limit=5"),
    ],
)
def test_fill_template(text: str, variables: dict[str, str], filled: str) -> None:
    assert fill_template(text, variables, AT) == filled


def test_an_unknown_variable_is_unbound_at_its_line() -> None:
    with pytest.raises(UnboundVariable) as raised:
        fill_template("Bearer {{TOKEN}}", {}, AT)
    assert str(raised.value) == "g.md:7: variable $TOKEN is not set"
