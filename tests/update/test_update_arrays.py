"""`--update` on arrays whose items came or went: the items the answer still has keep their
text, a new one is written like its documented neighbour (found by `tests.update.sweep`)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from runner.cli import cli
from tests.update.test_update import GUIDES, ROOT, _copy

AUDIT = GUIDES / "query-audit-logs.md"
REGISTER = GUIDES / "register-an-agent.md"
CLEAN = ROOT / "tests" / "acceptance" / "clean"

TWO_EVENTS = """\
    {
      "eventId": "552b8b38-71be-4352-b464-78d5444bb468",
      "action": "auth.failed",
      ...
    },
    {
      "eventId": "a611220f-c764-4850-8013-6eb4bd322eac",
      "action": "token.issued",
      ...
    }
  ],"""


def _run(*args: str) -> Result:
    outcome = CliRunner().invoke(cli, list(args))
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit), outcome.output
    return outcome


def _round_trip(tmp_path: Path, source: Path, good: str, bad: str, *,
                strict: bool = True) -> tuple[str, str]:
    """The guide with `good` drifted to `bad`, and the same after `--update`."""
    original = source.read_text()
    assert original.count(good) == 1, good
    guide = _copy(tmp_path, source, original.replace(good, bad))
    mode = "--strict" if strict else "--no-strict"
    outcome = _run(mode, str(guide), "--update")
    assert outcome.exit_code == 1, outcome.output
    assert _run(mode, str(guide)).exit_code == 0
    return original, guide.read_text()


def test_an_item_that_went_missing_comes_back_in_the_documented_layout(tmp_path: Path) -> None:
    # The answer has two events, the guide shows one: the one kept is untouched, the other
    # is written as its neighbour is (a key a line, the same keys, the same `...`).
    one_event = TWO_EVENTS[:TWO_EVENTS.index("    },\n")] + "    }\n  ],"
    original, updated = _round_trip(tmp_path, AUDIT, TWO_EVENTS, one_event)
    assert updated == original


def test_an_item_too_many_goes_and_the_rest_keep_their_examples(tmp_path: Path) -> None:
    # Written again whole, the items lost their example timestamps and their one-line arrays.
    original = REGISTER.read_text()
    start = original.index('    {\n      "agentId": "5b8e2f14', original.index("one page holding"))
    item = original[start:original.index("    }\n", start) + len("    }")]
    twice = item + ",\n" + item
    _, updated = _round_trip(tmp_path, REGISTER, item + "\n  ],\n  \"total\": 1",
                             twice + "\n  ],\n  \"total\": 1")
    assert updated == original


def test_a_trailing_comma_in_an_array_is_kept(tmp_path: Path) -> None:
    original, updated = _round_trip(tmp_path, CLEAN / "c26-comments-in-json.md",
                                    '    "wiki:*",\n  ],', '    "wiki:*",\n    "wiki:*",\n  ],',
                                    strict=False)
    assert updated == original


def test_an_unordered_array_is_edited_item_by_item_in_its_own_order(tmp_path: Path) -> None:
    source = CLEAN / "c11-list-unordered.md"
    b_item = '    {"email": "b@lists.example", "version": "1.0.1", ...},\n'
    original, updated = _round_trip(tmp_path, source, b_item,
                                    b_item.replace("1.0.1", "1.0.9"), strict=False)
    assert updated == original  # not written again in the answer's order
    # An item that went missing comes back last: the documented order is the writer's.
    (tmp_path / "gone").mkdir()
    _, updated = _round_trip(tmp_path / "gone", source, b_item, "", strict=False)
    a_item = '    {"email": "a@lists.example", "version": "1.0.0", ...}'
    assert a_item + ",\n" + b_item.rstrip(",\n") + "\n  ]" in updated


def test_an_unordered_item_too_many_goes(tmp_path: Path) -> None:
    a_item = '    {"email": "a@lists.example", "version": "1.0.0", ...}\n'
    original, updated = _round_trip(tmp_path, CLEAN / "c11-list-unordered.md", a_item,
                                    a_item.rstrip("\n") + ",\n" + a_item, strict=False)
    assert updated == original


def test_a_renamed_key_holding_a_page_is_renamed_not_removed(tmp_path: Path) -> None:
    # `data` renamed and a value inside it drifted too: removing the key took the whole
    # documented page with it; the page is kept and edited inside.
    original = AUDIT.read_text()
    page = original.index('  "data": [\n    {\n      "eventId": "a611220f')
    drifted = (original[:page] + '  "page_data": [' + original[page + len('  "data": ['):])
    drifted = drifted.replace('"action": "token.issued"', '"action": "token.created"', 1)
    guide = _copy(tmp_path, AUDIT, drifted)
    assert _run("--strict", str(guide), "--update").exit_code == 1
    assert guide.read_text() == original
    assert _run("--strict", str(guide)).exit_code == 0


def test_a_renamed_message_key_is_renamed_back(tmp_path: Path) -> None:
    # Its text is prose (any wording matches): the close name is the key, not a guess.
    good = '  "message": "An agent with this email already exists."'
    original, updated = _round_trip(tmp_path, CLEAN / "c06-status-before.md", good,
                                    good.replace('"message"', '"messageText"'), strict=False)
    assert updated == original
