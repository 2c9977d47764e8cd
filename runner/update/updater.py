"""`--update` and `--diff`: a run's drift as edits to its guides, then a diff or the files.

Computed from data only (the results and the guides' text): nothing is run here. A guide
with no failed step is never touched; a file is written only when it is under the paths
the run was given and unchanged since the run read it, and then at once (a temporary file
renamed over it).
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from runner.match import printed_filter
from runner.model import (
    DocError,
    DocumentedResponse,
    DocValue,
    Observed,
    Problem,
    RunResult,
    Step,
    StepResult,
    status_matches,
)
from runner.read.jq import parse_path, render
from runner.secrets.decoding import decoded_forms
from runner.translate.docjson import documented_body
from runner.translate.shapes import Shape
from runner.update.body import BodyEditor
from runner.update.capture import capture_edit, variable_uses
from runner.update.status import prose_mentions, status_edit
from runner.update.text import Edit, GuideText, apply_edits

__all__ = ["FileUpdate", "Update", "digest", "plan_update", "render_diff", "revealing",
           "target_marks", "write_update"]

_RUN_TAG = re.compile(r"(?<![0-9A-Za-z])r[0-9a-f]{8}-[0-9]+(?![0-9])", re.IGNORECASE)
"""A run tag (`+r7f3a09c2-1@`, `-r7f3a09c2-1`, `+R7F3A09C2-1@`): the guide documents its own
values. Looked for in every form a text decodes to (`%2Br7f3a09c2-1%40`, `\\u002b...`)."""


def target_marks(target: str, documented_origin: str) -> tuple[str, ...]:
    """What of a URL target's origin must never reach a guide (its origin and host name,
    lowercased), unless it is the documented origin: on staging it is a CI secret."""
    real, shown = urlsplit(target), urlsplit(documented_origin)
    if real.scheme not in ("http", "https") or not real.netloc:
        return ()
    if (real.scheme, real.netloc.lower()) == (shown.scheme, shown.netloc.lower()):
        return ()
    marks = [f"{real.scheme}://{real.netloc}".lower()]
    if real.netloc.lower() != shown.netloc.lower():
        marks.append(real.netloc.lower())
    return tuple(marks)


def revealing(mask: Callable[[str], str], marks: Sequence[str] = ()) -> Callable[[str], bool]:
    """Whether a text may be written into a guide: no form it decodes to (HTML entities,
    `\\u` escapes, percent-encoding) shows a secret `mask` hides, a run tag or one of
    `marks` (the target's origin)."""
    def safe(text: str) -> bool:
        for form in decoded_forms(text):
            if mask(form) != form or _RUN_TAG.search(form) is not None:
                return False
            if marks and any(mark in form.lower() for mark in marks):
                return False
        return True

    return safe


def digest(data: bytes) -> str:
    """What a file held when the run read it, to refuse writing over a change since."""
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True, slots=True)
class FileUpdate:
    """One guide file's text before and after the update."""

    path: str
    """The file as the run named it."""
    file: Path
    old: str
    new: str


@dataclass(frozen=True, slots=True)
class Update:
    """What `--update` would write, and what it leaves to a person."""

    files: tuple[FileUpdate, ...] = ()
    looks: tuple[str, ...] = ()
    """Failures no edit was made for (`file:line: why`)."""
    prose: tuple[str, ...] = ()
    """Prose that may need a look: it names an old status or value (`file:line`)."""


@dataclass
class _FilePlan:
    path: str
    file: Path
    text: GuideText
    edits: list[Edit] = field(default_factory=list)
    fixed: set[int] = field(default_factory=set)
    statuses: list[str] = field(default_factory=list)
    """Old statuses: a line reading one is checked by its step (`fixed`, `read_by`)."""
    needles: list[str] = field(default_factory=list)
    """Old values and keys: looked for on every line of prose, the status lines too."""


def plan_update(result: RunResult, *, allowed: Sequence[Path],
                snapshot: Mapping[Path, str], texts: Mapping[Path, str] | None = None,
                marks: Sequence[str] = ()) -> Update:
    """The edits that make every failed step's documented response the real one.

    `allowed` are the paths the run was given (only files under them are edited);
    `snapshot` maps each guide file (resolved) to its `digest` when the run read it.
    `texts` maps a file (resolved) to the text the run was planned from when it is not the
    file's own (an earlier round's update, in memory): the edits are made to that text.
    `marks` are texts no edit may write (`target_marks`).
    """
    plans: dict[str, _FilePlan] = {}
    looks: list[str] = []
    roots = [path.resolve() for path in allowed]

    safe = revealing(result.mask, marks)

    # A status phrase two steps read (the paragraph after one request and before the next)
    # is corrected for neither: what one answered would be wrong for the other.
    read_by: dict[tuple[str, int], set[int]] = {}  # the lines of the steps reading it
    for guide in result.guides:
        for step in guide.steps:
            source = step.step.expected.source
            if step.step.expected.origin == "prose" and source is not None:
                read_by.setdefault((source.path, source.line), set()).add(
                    step.step.source.line)
    shared = {place: sorted(lines) for place, lines in read_by.items() if len(lines) > 1}
    for guide in result.guides:
        uses = variable_uses(step.step for step in guide.steps)
        for step in guide.steps:
            if step.status != "failed":
                continue
            where = step.step.source
            if step.observed is None:
                looks.extend(_failures(step))
                continue
            file = Path(where.path).resolve()
            if not any(file == root or root in file.parents for root in roots):
                looks.append(f"{where}: not updated: the file is outside the given paths")
                continue
            if where.path not in plans and texts is not None and file in texts:
                plans[where.path] = _FilePlan(where.path, file, GuideText(texts[file]))
            if where.path not in plans:
                data = file.read_bytes()
                if snapshot.get(file) != digest(data):
                    looks.append(f"{where.path}: not updated: the file changed since the run "
                                 "read it")
                    plans[where.path] = _FilePlan(where.path, file, GuideText(""))
                    continue
                plans[where.path] = _FilePlan(where.path, file,
                                              GuideText(data.decode("utf-8")))
            plan = plans[where.path]
            if not plan.text.text:
                continue
            looks.extend(_step_edits(plan, step, step.observed, safe, shared, uses))
    files: list[FileUpdate] = []
    prose: list[str] = []
    for plan in plans.values():
        if not plan.edits:
            continue
        new, dropped = apply_edits(plan.text.text, plan.edits)
        looks.extend(f"{plan.path}:{plan.text.line_of(edit.start)}: two answers disagree "
                     "here (a shared fixture?); the first was written" for edit in dropped)
        if _reveals_more(plan.text.text, new, safe):
            # Each value was checked as it was made; the text as a whole is checked again.
            looks.append(f"{plan.path}: not updated: the new text would show a secret, a run "
                         "tag or the target's origin")
            continue
        if new != plan.text.text:
            files.append(FileUpdate(plan.path, plan.file, plan.text.text, new))
        # A phrase another step reads its status from is checked by that step already.
        checked = plan.fixed | {line for path, line in read_by if path == plan.path}
        lines = set(prose_mentions(plan.text, list(dict.fromkeys(plan.statuses)), checked))
        lines.update(prose_mentions(plan.text, list(dict.fromkeys(plan.needles)), set()))
        prose.extend(f"{plan.path}:{line}" for line in sorted(lines))
    return Update(tuple(files), tuple(dict.fromkeys(looks)), tuple(prose))


def _reveals_more(old: str, new: str, safe: Callable[[str], bool]) -> bool:
    """Whether the lines an update adds show more that is not safe to write than the lines
    it removes (a line documenting a whole example JWT may be edited, and still show it)."""
    before, after = old.splitlines(), new.splitlines()
    removed: list[str] = []
    added: list[str] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, before, after,
                                                       autojunk=False).get_opcodes():
        if tag != "equal":
            removed += before[i1:i2]
            added += after[j1:j2]
    return sum(not safe(line) for line in added) > sum(not safe(line) for line in removed)


def _failures(step: StepResult) -> list[str]:
    return [f"{problem.source or step.step.source}: {problem.message}"
            for problem in step.problems if problem.severity == "failure"]


def _step_edits(plan: _FilePlan, result: StepResult, observed: Observed,
                safe: Callable[[str], bool], shared: Mapping[tuple[str, int], list[int]],
                uses: Mapping[str, frozenset[Shape]]) -> list[str]:
    """Add one failed step's edits to its file's plan; what was left to a person."""
    step = result.step
    looks: list[str] = []
    handled: set[int] = set()
    problems = result.problems
    if not status_matches(step.expected, observed.status):
        source = step.expected.source
        edit = status_edit(plan.text, step, observed.status)
        if source is not None and (source.path, source.line) in shared:
            lines = " and ".join(str(line) for line in shared[(source.path, source.line)])
            edit = (f"{source}: the status phrase is read by two steps (lines {lines}); the "
                    f"step at line {step.source.line} answered {observed.status}; not updated: "
                    "one "
                    f"phrase cannot hold what each answers; give each request its own status "
                    f"(a phrase after each, or `<!-- verify: status=... -->` on its block)")
        if isinstance(edit, str):
            return [edit]  # another answer than documented: nothing else is worth writing
        plan.edits.append(edit)
        plan.fixed.add(plan.text.line_of(edit.start))
        if step.expected.code is not None:
            plan.statuses.append(str(step.expected.code))
        handled.update(i for i, p in enumerate(problems) if p.path is None
                       and p.source == (step.expected.source or step.source))
        if observed.body_problems is not None:
            problems, handled = observed.body_problems, set()
    looks.extend(_capture_edits(plan, step, observed, problems, handled, safe, uses))
    documented = step.response
    if documented is not None:
        looks.extend(_header_edits(plan, documented, observed, problems, handled, safe))
        looks.extend(_body_edits(plan, step, documented, observed, problems, handled, safe))
    for index, problem in enumerate(problems):
        if index not in handled and problem.severity == "failure":
            looks.append(f"{problem.source or step.source}: {problem.message}")
    return looks


_CAPTURE = re.compile(r"cannot capture \$(\w+): ")


def _capture_edits(plan: _FilePlan, step: Step, observed: Observed,
                   problems: Sequence[Problem], handled: set[int],
                   safe: Callable[[str], bool],
                   uses: Mapping[str, frozenset[Shape]]) -> list[str]:
    """A capture that found nothing is no drift of the documented body: its path is renamed
    when the answer leaves one reading (`capture_edit`), else it is listed with why."""
    looks: list[str] = []
    sources = {capture.source for capture in step.captures}
    for index, problem in enumerate(problems):
        found = _CAPTURE.match(problem.message)
        if problem.severity != "failure" or found is None or problem.source not in sources:
            continue
        handled.add(index)
        if not observed.is_json or not _whole_answer(step):
            looks.append(f"{problem.source}: {problem.message}; not updated: change the path "
                         "to the field that holds the value, or the request that answers it")
            continue
        edit = capture_edit(plan.text, step, found.group(1), observed.body, safe, uses)
        if isinstance(edit, Edit):
            plan.edits.append(edit)
        else:
            looks.append(f"{problem.source}: {problem.message}; {edit}")
    return looks


def _whole_answer(step: Step) -> bool:
    """Whether Observed.body is the whole answer a capture reads (no `| jq` filter prints
    part of it; a filter that is the capture's own documents the whole answer)."""
    jq = step.command.jq_filter() if step.command is not None else None
    path = jq.word.literal if jq is not None and jq.word is not None else None
    return jq is None or (path is not None and (
        path.strip() == "." or any(capture.path == path for capture in step.captures)))


def _header_edits(plan: _FilePlan, documented: DocumentedResponse, observed: Observed,
                  problems: Sequence[Problem], handled: set[int],
                  safe: Callable[[str], bool]) -> list[str]:
    looks: list[str] = []
    for index, problem in enumerate(problems):
        if problem.severity != "failure" or not (problem.path or "").startswith("header "):
            continue
        name = (problem.path or "")[len("header "):]
        line = problem.source.line if problem.source is not None else 0
        written = plan.text.line_text(line)
        if documented.kind != "http" or not written.lower().lstrip().startswith(
                name.lower() + ":"):
            continue
        handled.add(index)
        start = plan.text.line_start(line)
        values = [value for key, value in observed.headers if key.lower() == name.lower()]
        if not values:
            plan.edits.append(Edit(start, plan.text.line_start(line + 1), ""))
            continue
        value = ", ".join(values)
        if "***" in value or not safe(value):
            looks.append(f"{problem.source}: header {name} is not written (it holds a secret)")
            continue
        colon = written.index(":") + 1
        blank = len(written[colon:]) - len(written[colon:].lstrip())
        plan.edits.append(Edit(start + colon + blank, start + len(written), value))
    return looks


def _body_edits(plan: _FilePlan, step: Step, documented: DocumentedResponse,
                observed: Observed, problems: Sequence[Problem], handled: set[int],
                safe: Callable[[str], bool]) -> list[str]:
    body_problems = [(i, p) for i, p in enumerate(problems) if p.severity == "failure"
                     and (p.path or "").startswith("$") and i not in handled]
    # Compared as text: the whole body, or what a `| jq` filter printed of it.
    as_text = [i for i, p in enumerate(problems) if p.severity == "failure"
               and p.path is None and p.message == "the response body differs from the guide"]
    try:
        doc: DocValue | None = documented_body(documented)
    except DocError:
        doc = None  # text, such as the one value `jq -r .scope` prints
        as_text += [i for i, p in body_problems if p.path == "$"]
    looks: list[str] = []
    text = _printed_text(step, observed)
    if as_text and text is not None and text.strip() and _replace_text(
            plan, documented, text.strip(), safe):
        handled.update(as_text)
    if not body_problems or not observed.is_json or doc is None:
        return looks
    try:
        ignore = [parse_path(path) for path in step.ignore]
        unordered = [parse_path(path) for path in step.unordered]
    except DocError:
        ignore, unordered = [], []
    editor = BodyEditor(plan.text, documented.body, documented.body_line, safe, ignore=ignore,
                        unordered=unordered)
    editor.edit(doc, observed.body, [p for _, p in body_problems])
    if not editor.edits and editor.looks:
        return [f"{documented.source.path}:{documented.body_line}: {look}"
                for look in editor.looks]
    plan.edits.extend(editor.edits)
    plan.needles.extend(editor.replaced)
    handled.update(i for i, _ in body_problems)
    looks.extend(f"{documented.source.path}:{documented.body_line}: {look}"
                 for look in editor.looks)
    return looks


def _printed_text(step: Step, observed: Observed) -> str | None:
    """What the command prints, as a reader sees it: the body, or what its `| jq` filter
    prints of it (`jq -r .scope`: the one value, bare), from the example-holding body."""
    printed = printed_filter(step)
    if printed is None:
        return observed.text
    return render(observed.body, raw=printed[1]) if observed.is_json else None


def _replace_text(plan: _FilePlan, documented: DocumentedResponse, text: str,
                  safe: Callable[[str], bool]) -> bool:
    """A documented text body (compared whole, trimmed) written again as the real one."""
    if not safe(text):
        return False
    lines = documented.body.split("\n")
    shown = [i for i, line in enumerate(lines) if line.strip()]
    if not shown:
        return False
    first, last = documented.body_line + shown[0], documented.body_line + shown[-1]
    indent = plan.text.indent(first)
    start, end = plan.text.line_start(first), plan.text.line_start(last) + len(
        plan.text.line_text(last))
    plan.edits.append(Edit(start, end, "\n".join(indent + line if line else line
                                                 for line in text.split("\n"))))
    return True


def render_diff(update: Update) -> str:
    """The unified diff `--update` would write (`a/` and `b/` paths, as git shows them)."""
    chunks: list[str] = []
    for file in update.files:
        chunks.extend(difflib.unified_diff(
            file.old.splitlines(keepends=True), file.new.splitlines(keepends=True),
            f"a/{file.path}", f"b/{file.path}"))
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n"
                   for line in chunks)
    return text


def write_update(update: Update) -> list[str]:
    """Write every updated file at once (a temporary file renamed over it); the paths written.

    A file that changed since the update was planned is not written (DocError after the
    others are).
    """
    written: list[str] = []
    changed: list[str] = []
    for file in update.files:
        if file.file.read_bytes() != file.old.encode("utf-8"):
            changed.append(file.path)
            continue
        mode = file.file.stat().st_mode
        handle, temporary = tempfile.mkstemp(dir=file.file.parent, prefix=f".{file.file.name}.",
                                             suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(file.new.encode("utf-8"))
            os.chmod(temporary, mode & 0o7777)
            os.replace(temporary, file.file)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
        written.append(file.path)
    if changed:
        raise DocError(f"not updated, the file changed while the run was checking it: "
                       f"{', '.join(changed)}; run again")
    return written
