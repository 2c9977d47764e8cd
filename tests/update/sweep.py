"""`python -m tests.update.sweep`: plant drift in the guides, one at a time, and `--update` it.

For every guide under docs/developers/guides (and, with `--acceptance`, the clean acceptance
guides too), every documented response is read as the planner reads it, and each thing in it
that the target answers verbatim is drifted in a copy of the guide, alone: each fixed scalar
(a status, an enum, an owner, a code, a number, a boolean), each key (renamed), each array
(an item dropped, an item repeated), each status (the `http` status line, the prose phrase it
was read from, a `status=` directive), each documented header's value, each line of a text
body (a console transcript, a `| jq -r` output), and one appearance of an example id that
the guide repeats. Then pairs of drifts in the same guide. Each copy is run with
`verify-docs --update` in process, then again:

- restored: the guide is the original again, byte for byte;
- minimal: the second run passes and the diff from the drifted text touches only the
  planted lines (for drift the target does not answer verbatim: a key renamed, an id);
- undetected: the drifted guide passes (a wording, an elided item), and stays untouched;
- anything else is a failure, listed with the guide, the line, the drift and what happened.

Not a pytest module (it runs about a thousand guides): `make`-free, slow on purpose.
"""

from __future__ import annotations

import argparse
import difflib
import json
import multiprocessing
import os
import random
import re
import shutil
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from runner.cli import cli
from runner.model import (
    DocAny,
    DocArray,
    DocEllipsis,
    DocObject,
    DocScalar,
    DocValue,
    Step,
)
from runner.plan import plan_guide
from runner.plan.status_phrase import find_status_phrase
from runner.translate.shapes import (
    HUMAN_TEXT_KEYS,
    dynamic_spans,
    is_placeholder,
    shape_of,
    shortened,
)
from runner.update.text import GuideText, tokens_of
from tests.leaks import shaped_leaks

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ROOT / "docs" / "developers" / "guides"
ACCEPTANCE = ROOT / "tests" / "acceptance" / "clean"
HELD_OUT = ROOT / "tests" / "update" / "heldout"
"""Small guides in shapes our docs use little (console output, `http` headers, comments and
trailing commas, `...`, shortened and repeated ids, status phrases, jq, error bodies)."""

# Another status of the same class: the body is still compared, the drift is the number.
_OTHER_STATUS = {200: 201, 201: 200, 202: 200, 204: 200, 400: 422, 401: 403, 403: 401,
                 404: 410, 409: 400, 410: 404, 422: 400, 429: 400}
# Headers the matcher ignores, or whose value changes with every request.
_LOOSE_HEADERS = {"date", "content-length", "connection", "transfer-encoding",
                  "x-ratelimit-remaining", "x-ratelimit-reset", "retry-after"}
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


@dataclass(frozen=True)
class Drift:
    """One planted drift: `text` written over `start:end` of the guide."""

    guide: str
    """The guide, relative to the repository root."""
    line: int
    kind: str
    what: str
    start: int
    end: int
    text: str
    verbatim: bool
    """The target answers what was there verbatim: the update must give it back."""
    listed: str = ""
    """No edit can fix it: the guide must stay as it is, and this be said (needs a look)."""


@dataclass(frozen=True)
class Case:
    """What one run of the sweep plants: one drift or two, in one guide."""

    guide: str
    drifts: tuple[Drift, ...]
    strict: bool

    @property
    def verbatim(self) -> bool:
        return all(drift.verbatim for drift in self.drifts)

    @property
    def listed(self) -> str:
        return next((drift.listed for drift in self.drifts if drift.listed), "")

    def describe(self) -> str:
        return " + ".join(f"{d.line}: {d.kind} {d.what}" for d in self.drifts)


@dataclass(frozen=True)
class Outcome:
    case: Case
    verdict: str
    """restored, minimal, undetected, listed (left to a person, as it must be), unplannable
    (the drift made the guide unreadable: nothing to update), or a failure: not-restored,
    not-minimal, still-failing, touched (an undetected drift was edited), leak, crash."""
    detail: str = ""

    @property
    def failed(self) -> bool:
        return self.verdict not in ("restored", "minimal", "undetected", "listed",
                                    "unplannable")


# Enumerating drift


def _walk(doc: DocValue, key: str | None = None) -> Iterator[tuple[DocValue, str | None]]:
    yield doc, key
    if isinstance(doc, DocObject):
        for member in doc.members:
            yield from _walk(member.value, member.key)
    elif isinstance(doc, DocArray):
        for item in doc.items:
            if not isinstance(item, DocEllipsis):
                yield from _walk(item, key)


class _Planter:
    """Every plantable drift of one guide's own documented responses."""

    def __init__(self, relative: str, text: str, steps: Sequence[Step]) -> None:
        self.relative = relative
        self.guide = GuideText(text)
        self.steps = steps
        self.repeated = Counter(_UUID.findall(text))
        self.shaped = False
        shared = Counter((s.expected.source.line) for s in steps
                         if s.expected.origin == "prose" and s.expected.source is not None)
        self.shared = {line for line, count in shared.items() if count > 1}

    def drifts(self) -> list[Drift]:
        found: list[Drift] = []
        for step in self.steps:
            found.extend(self._status(step))
            response = step.response
            if response is None or step.skip is not None:
                continue
            lines = response.body.split("\n")
            if response.kind == "http":
                found.extend(self._headers(response.source.line, response.body_line))
            if response.document is not None:
                # Without its `code` or `error` key a body whose status came from its shape
                # documents a success: that is the writer's to say.
                self.shaped = step.expected.origin == "shape"
                for node, key in _walk(response.document):
                    found.extend(self._node(node, key, lines, response.body_line))
            elif response.body.strip():
                found.extend(self._text(lines, response.body_line))
        unique: dict[tuple[int, int, str], Drift] = {}
        for drift in found:
            unique.setdefault((drift.start, drift.end, drift.text), drift)
        return list(unique.values())

    def _offset(self, line: int, column: int, lines: list[str], first: int) -> int | None:
        index = line - first
        if not 0 <= index < len(lines):
            return None
        return self.guide.offset(line, column, lines[index])

    def _drift(self, kind: str, start: int, end: int, text: str, verbatim: bool,
               what: str | None = None, listed: str = "") -> Drift:
        old = self.guide.text[start:end]
        shown = what or f"{_short(old)} -> {_short(text)}"
        return Drift(self.relative, self.guide.line_of(start), kind, shown, start, end, text,
                     verbatim, listed)

    def _node(self, node: DocValue, key: str | None, lines: list[str],
              first: int) -> list[Drift]:
        if isinstance(node, DocAny):
            return []
        at = self._offset(node.source.line, node.source.column, lines, first)
        if at is None:
            return []
        drifts: list[Drift] = []
        if isinstance(node, DocScalar) and not node.placeholder and not is_placeholder(
                node.value):
            value = node.value
            token = _scalar_token(self.guide.text, at)
            if token is None:
                return []
            human = key is not None and key.lower() in HUMAN_TEXT_KEYS
            if (isinstance(value, str | int) and not isinstance(value, bool)
                    and shape_of(value) is not None) or shortened(value) is not None:
                if shape_of(value) == "uuid" and self.repeated[value] > 1:
                    fresh = value[:-4] + ("beef" if not value.endswith("beef") else "cafe")
                    drifts.append(self._drift("example-id", at, at + len(token),
                                              json.dumps(fresh), False))
                return drifts
            drifted = _other_scalar(value)
            drifts.append(self._drift("text" if human else "value", at, at + len(token),
                                      json.dumps(drifted), not human))
        elif isinstance(node, DocObject):
            for member in node.members:
                if self.shaped and member.key in ("code", "error"):
                    continue
                where = self._offset(member.source.line, member.source.column, lines, first)
                if where is None or not self.guide.text.startswith(json.dumps(member.key),
                                                                   where):
                    continue
                end = where + len(json.dumps(member.key))
                renamed = member.key + "Old" if member.key[-1:].islower() else member.key + "_old"
                drifts.append(self._drift("key", where, end, json.dumps(renamed), False))
        elif isinstance(node, DocArray):
            drifts.extend(self._array(node, at))
        return drifts

    def _array(self, node: DocArray, at: int) -> list[Drift]:
        tokens = tokens_of(self.guide.text, at, len(self.guide.text))
        if not tokens or tokens[0].text != "[":
            return []
        # The items' spans, at depth one.
        spans: list[tuple[int, int]] = []
        depth, begin = 0, 0
        for token in tokens:
            if token.text in ("[", "{"):
                depth += 1
                if depth == 2:
                    begin = token.start
            elif token.text in ("]", "}"):
                depth -= 1
                if depth == 1:
                    spans.append((begin, token.end))
                elif depth == 0:
                    break
            elif depth == 1 and token.text not in (",", ":"):
                spans.append((token.start, token.end))
        items = [item for item in node.items if not isinstance(item, DocEllipsis)]
        if len(spans) != len(node.items) or not items:
            return []
        text = self.guide.text
        drifts: list[Drift] = []
        real = [i for i, item in enumerate(node.items) if not isinstance(item, DocEllipsis)]
        last = real[-1]
        start, end = spans[last]
        if len(node.items) >= 2 and last > 0:
            # Drop the last item with the separator before it; a new one may show other keys
            # or made-up timestamps than the one dropped: only the layout must hold.
            before = spans[last - 1][1]
            drifts.append(self._drift("array-drop", before, end, "", False,
                                      f"drop {_short(text[start:end])}"))
        # Repeat the last item, in the array's own layout.
        if last > 0:
            separator = text[spans[last - 1][1]:start]
        elif len(node.items) > 1:
            separator = text[end:spans[last + 1][0]]
        elif self.guide.line_of(start) != self.guide.line_of(at):  # one item a line
            separator = ",\n" + self.guide.indent(self.guide.line_of(start))
        else:
            separator = ", "
        drifts.append(self._drift("array-add", end, end, separator + text[start:end],
                                  not node.more, f"repeat {_short(text[start:end])}"))
        return drifts

    def _status(self, step: Step) -> list[Drift]:
        expected = step.expected
        if expected.code is None or expected.source is None or (
                expected.source.path != step.source.path):
            return []
        other = _OTHER_STATUS.get(expected.code)
        if other is None:
            return []
        line = expected.source.line
        written = self.guide.line_text(line)
        begin = self.guide.line_start(line)
        if expected.origin == "http":
            found = re.search(rf"\b{expected.code}\b( [A-Za-z ]+)?$", written)
            if found is None:
                return []
            reason = f" {HTTPStatus(other).phrase}" if found.group(1) else ""
            return [self._drift("status-http", begin + found.start(), begin + found.end(),
                                f"{other}{reason}", True)]
        if expected.origin == "directive":
            found = re.search(rf"status\s*=\s*[\"']?({expected.code})", written)
            if found is None:
                return []
            return [self._drift("status-directive", begin + found.start(1),
                                begin + found.end(1), str(other), True)]
        if expected.origin == "prose":
            phrase = find_status_phrase(written)
            if phrase is None or phrase[0] != expected.code:
                return []
            at = begin + phrase[1]
            end = at + 3
            old_reason, new_reason = HTTPStatus(expected.code).phrase, HTTPStatus(other).phrase
            rest = written[phrase[1] + 3:]
            # A phrase two steps read is corrected for neither: it is listed.
            listed = "read by two steps" if line in self.shared else ""
            if rest.lower().startswith(" " + old_reason.lower()):
                end += 1 + len(old_reason)
                reason = new_reason if rest.startswith(" " + old_reason) else new_reason.lower()
                return [self._drift("status-prose", at, end, f"{other} {reason}", True,
                                    listed=listed)]
            return [self._drift("status-prose", at, end, str(other), True, listed=listed)]
        return []

    def _headers(self, status_line: int, body_line: int) -> list[Drift]:
        drifts = []
        for line in range(status_line + 1, body_line):
            written = self.guide.line_text(line)
            name, colon, value = written.partition(":")
            if not colon or not value.strip() or name.strip().lower() in _LOOSE_HEADERS:
                continue
            begin = self.guide.line_start(line) + len(name) + 1
            begin += len(value) - len(value.lstrip())
            end = self.guide.line_start(line) + len(written)
            old = written[begin - self.guide.line_start(line):]
            typed = name.strip().lower() == "content-type"
            new = "text/plain" if typed else old + "-old"
            # A content type is compared by its media type: its parameters may be the guide's.
            drifts.append(self._drift("header", begin, end, new, not (typed and ";" in old)))
        return drifts

    def _text(self, lines: list[str], first: int) -> list[Drift]:
        drifts = []
        for index, shown in enumerate(lines):
            if not shown.strip() or dynamic_spans(shown) or "..." in shown:
                continue
            line = first + index
            written = self.guide.line_text(line)
            if not written.endswith(shown):
                continue
            end = self.guide.line_start(line) + len(written)
            begin = end - len(shown.lstrip())
            drifts.append(self._drift("text-line", begin, end,
                                      shown.lstrip() + " (old)", True))
        return drifts


_SCALAR = re.compile(r'"(?:[^"\\\n]|\\.)*"|-?[0-9][0-9.eE+-]*|true|false|null')


def _scalar_token(text: str, at: int) -> str | None:
    found = _SCALAR.match(text, at)
    return found.group(0) if found else None


def _other_scalar(value: Any) -> Any:
    if isinstance(value, bool):
        return not value
    if isinstance(value, int | float):
        return value + 1
    if value is None:
        return "none"
    if value == "":
        return "x"
    return value + "-old" if not value.endswith("-old") else value[:-4]


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= 48 else text[:45] + "..."


# Running


def _project(folder: Path) -> None:
    """A copy of the project the guides run in (their links to fixtures/ still hold)."""
    shutil.copy(ROOT / "pyproject.toml", folder / "pyproject.toml")
    shutil.copytree(ROOT / "fixtures", folder / "fixtures",
                    ignore=shutil.ignore_patterns("idp", "*.py", "*.yaml", "__pycache__"))
    for source in (GUIDES, ACCEPTANCE, HELD_OUT):
        target = folder / source.relative_to(ROOT)
        shutil.copytree(source, target, ignore=shutil.ignore_patterns("*.md"))


_FOLDER: Path | None = None


def _start_worker() -> None:
    global _FOLDER
    _FOLDER = Path(tempfile.mkdtemp(prefix="sweep-"))
    _project(_FOLDER)


def _invoke(args: list[str]) -> tuple[int, str, str]:
    """The exit status, stdout and stderr of one in-process run."""
    outcome = CliRunner().invoke(cli, args)
    if outcome.exception is not None and not isinstance(outcome.exception, SystemExit):
        return 4, "", f"{type(outcome.exception).__name__}: {outcome.exception}"
    return outcome.exit_code, outcome.stdout, outcome.stderr


def _plant(original: str, drifts: Sequence[Drift]) -> str:
    text = original
    for drift in sorted(drifts, key=lambda d: d.start, reverse=True):
        text = text[:drift.start] + drift.text + text[drift.end:]
    return text


def _touched(before: str, after: str) -> set[int]:
    """The 1-based lines of `before` a diff to `after` changes (an insertion touches the
    lines on both sides of it). A comma at a line's end does not count: removing the last
    member of an object takes the one before it off the line above."""
    old, new = ([re.sub(r",\s*$", "", line) for line in text.splitlines()]
                for text in (before, after))
    lines: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _j1, _j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        if i1 == i2:
            lines.update({i1, i1 + 1})
        else:
            lines.update(range(i1 + 1, i2 + 1))
    return lines


def run_case(case: Case) -> Outcome:
    assert _FOLDER is not None
    original = (ROOT / case.guide).read_text()
    drifted = _plant(original, case.drifts)
    guide = _FOLDER / case.guide
    guide.write_text(drifted)
    if plan_guide(guide, display_path=case.guide, root=_FOLDER).errors:
        return Outcome(case, "unplannable")
    mode = "--strict" if case.strict else "--no-strict"
    code, _, said = _invoke([mode, str(guide), "--update"])
    after = guide.read_text()
    looks = "; ".join(line.removeprefix("verify-docs: not updated, needs a look: ")
                      for line in said.splitlines() if "needs a look" in line)
    if code >= 2:
        return Outcome(case, "crash", f"exit {code}: {_short(said.strip()[-300:])}")
    leaks = shaped_leaks(after, original)
    if [leak for leak in leaks if leak not in original]:
        return Outcome(case, "leak", ", ".join(leaks))
    if case.listed and code == 1 and after == drifted and case.listed in looks:
        return Outcome(case, "listed")
    if code == 0:
        return Outcome(case, "undetected" if after == drifted else "touched",
                       "" if after == drifted else _diff(drifted, after))
    if after == original:
        return Outcome(case, "restored")
    again, said_again, _ = _invoke([mode, str(guide)])
    if again != 0:
        failing = [line.strip().rsplit("/", 1)[-1] for line in said_again.splitlines()
                   if re.match(r"    \S+:[0-9]+: ", line)][:3]
        return Outcome(case, "still-failing",
                       (f"needs a look: {looks}; " if looks else "")
                       + (_diff(drifted, after) if after != drifted else "file unchanged")
                       + (f" | second run: {' '.join(failing)}" if failing else ""))
    if case.verbatim:
        return Outcome(case, "not-restored", _diff(original, after))
    if not _touched(drifted, after) <= _touched(drifted, original):
        return Outcome(case, "not-minimal", _diff(drifted, after))
    return Outcome(case, "minimal")


def _diff(before: str, after: str) -> str:
    lines = [line.rstrip("\n") for line in difflib.unified_diff(
        before.splitlines(), after.splitlines(), lineterm="", n=0)][2:]
    shown = [line for line in lines if not line.startswith("@@")]
    return " | ".join(_short(line) for line in shown[:6]) + (" | ..." if len(shown) > 6 else "")


# The sweep


def singles(guides: Sequence[Path]) -> list[Case]:
    """One case for each drift each guide's own documented responses can show."""
    found: list[Case] = []
    for path in guides:
        relative = str(path.relative_to(ROOT))
        strict = path.is_relative_to(GUIDES)
        planned = plan_guide(path, display_path=relative, root=ROOT)
        if planned.errors:
            continue
        own = [step for step in planned.steps if step.source.path == relative]
        drifts = _Planter(relative, path.read_text(), own).drifts()
        found.extend(Case(relative, (drift,), strict) for drift in drifts)
    return found


def pairs_of(done: Sequence[Outcome], *, pairs: int, seed: int) -> list[Case]:
    """Pairs of drifts in one guide, each of which `--update` undoes alone (on other lines)."""
    found: list[Case] = []
    by_guide: dict[str, list[Case]] = {}
    for outcome in done:
        if outcome.verdict in ("restored", "minimal"):
            by_guide.setdefault(outcome.case.guide, []).append(outcome.case)
    for guide, cases in by_guide.items():
        chooser = random.Random(f"{seed}:{guide}")
        both: set[tuple[int, int]] = set()
        for _ in range(pairs * 20):
            if len(both) >= pairs or len(cases) < 2:
                break
            one, two = sorted(chooser.sample(range(len(cases)), 2))
            first, second = cases[one].drifts[0], cases[two].drifts[0]
            if first.line == second.line or not (first.end < second.start
                                                 or second.end < first.start):
                continue
            if (one, two) not in both:
                both.add((one, two))
                found.append(Case(guide, (first, second), cases[one].strict))
    return found


def clean_check(guides: Sequence[Path]) -> list[str]:
    """A guide with nothing planted is left byte for byte (and not rewritten)."""
    _start_worker()
    assert _FOLDER is not None
    problems = []
    for path in guides:
        relative = path.relative_to(ROOT)
        copy = _FOLDER / relative
        copy.write_bytes(path.read_bytes())
        stamp = copy.stat().st_mtime_ns
        strict = path.is_relative_to(GUIDES)
        code, _, _ = _invoke(["--strict" if strict else "--no-strict", str(copy), "--update"])
        if code != 0 or copy.read_bytes() != path.read_bytes() or copy.stat().st_mtime_ns != stamp:
            problems.append(f"{relative}: a clean guide was not left alone (exit {code})")
    return problems


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.update.sweep", description=__doc__)
    parser.add_argument("--acceptance", action="store_true",
                        help="sweep the clean acceptance guides too")
    parser.add_argument("--held-out", action="store_true",
                        help="sweep the small guides of tests/update/heldout too")
    parser.add_argument("--pairs", type=int, default=40, help="pairs of drifts per guide")
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("-k", dest="only", default="", help="only guides whose path has this")
    parser.add_argument("--kind", default="", help="only drifts of this kind")
    parser.add_argument("--json", dest="json_file", help="write every outcome here")
    args = parser.parse_args(argv)
    guides = sorted(GUIDES.glob("*.md"))
    if args.acceptance:
        guides += sorted(ACCEPTANCE.glob("*.md"))
    if args.held_out:
        guides += sorted(HELD_OUT.glob("*.md"))
    guides = [path for path in guides if args.only in str(path)]
    began = time.monotonic()
    todo = singles(guides)
    if args.kind:
        todo = [case for case in todo if case.drifts[0].kind == args.kind]
    problems = clean_check(guides)
    with multiprocessing.Pool(args.jobs, initializer=_start_worker) as pool:
        outcomes = pool.map(run_case, todo, chunksize=8)
        outcomes += pool.map(run_case, pairs_of(outcomes, pairs=args.pairs, seed=args.seed),
                             chunksize=8)
    took = time.monotonic() - began
    _report(outcomes, problems, took)
    if args.json_file:
        Path(args.json_file).write_text(json.dumps(
            [{"guide": o.case.guide, "drift": o.case.describe(), "verdict": o.verdict,
              "detail": o.detail} for o in outcomes], indent=1))
    return 1 if problems or any(outcome.failed for outcome in outcomes) else 0


def _report(outcomes: Sequence[Outcome], problems: Sequence[str], took: float) -> None:
    singles = [o for o in outcomes if len(o.case.drifts) == 1]
    pairs = [o for o in outcomes if len(o.case.drifts) == 2]
    failures = [o for o in outcomes if o.failed]
    if failures:
        print(f"{'guide':<40} {'drift':<60} {'what happened'}")
        for outcome in failures:
            guide = outcome.case.guide.rsplit("/", 1)[-1]
            print(f"{guide:<40} {_short(outcome.case.describe()):<60} "
                  f"{outcome.verdict}: {outcome.detail}")
        print()
    for problem in problems:
        print(problem)
    for name, group in (("single", singles), ("pairs", pairs)):
        verdicts = Counter(outcome.verdict for outcome in group)
        print(f"{name}: {len(group)} planted: " + ", ".join(
            f"{count} {verdict}" for verdict, count in sorted(verdicts.items())))
    kinds = Counter((o.case.drifts[0].kind, o.failed) for o in singles)
    print("by kind (single): " + ", ".join(
        f"{kind} {kinds[(kind, False)]} ok/{kinds[(kind, True)]} failed"
        for kind in sorted({kind for kind, _ in kinds})))
    print(f"{len(failures)} failed; {took:.0f} s")


if __name__ == "__main__":
    sys.exit(main())
