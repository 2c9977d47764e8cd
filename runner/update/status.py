"""Status edits: the one place a step's status was read from, and the prose to look at.

A status is corrected only where the planner read it: the `status=` directive, the `http`
status line, or the status phrase in prose (`returns 201 Created` -> `returns 200 OK`).
Other prose naming the old status or an old value is never rewritten, only listed.
"""

from __future__ import annotations

import re
from http import HTTPStatus

from runner.model import Step
from runner.plan.status_phrase import find_status_phrase
from runner.update.text import Edit, GuideText

__all__ = ["prose_mentions", "status_edit"]

_STATUS_LINE = re.compile(r"(?P<lead>\s*HTTP/[0-9.]+[ \t]+)(?P<code>[1-5][0-9]{2})"
                          r"(?P<reason>[ \t]+\S.*)?$")
_FENCE = re.compile(r"\s*(?:>\s*)*(?:(?:[-*+]|[0-9]+[.)])\s+)?(```|~~~)")


def _reason(code: int) -> str:
    try:
        return HTTPStatus(code).phrase
    except ValueError:
        return ""


def status_edit(guide: GuideText, step: Step, actual: int) -> Edit | str:
    """The edit that makes the step's documented status the real one, or why there is none."""
    expected = step.expected
    old = expected.code
    if old is None or expected.source is None:
        return (f"{step.source}: the guide writes no status for this request (it expects "
                f"a {expected.status_class or 2}xx), the answer was {actual}; not updated: "
                "there is no written status to correct"
                + (", and writing one would document that this request fails" if actual >= 400
                   else "")
                + "; fix the request (its URL, method or what comes before it), or, if "
                f"{actual} is what a reader gets, say so in the paragraph before it "
                f"(`answers {actual}`) or with `<!-- verify: status={actual} -->`")
    line = expected.source.line
    written = guide.line_text(line)
    start = guide.line_start(line)
    if expected.origin == "http":
        found = _STATUS_LINE.match(written)
        if found is None or int(found.group("code")) != old:
            return f"{expected.source}: the status line was not found where it was read"
        reason = f" {_reason(actual)}" if found.group("reason") and _reason(actual) else ""
        return Edit(start + found.start("code"), start + len(written), f"{actual}{reason}")
    if expected.origin == "directive":
        found = re.search(rf"\bstatus\s*=\s*[\"']?({old})\b", written)
        if found is None:
            return f"{expected.source}: the status directive was not found where it was read"
        return Edit(start + found.start(1), start + found.end(1), str(actual))
    # Prose: the number the phrase was read from, and its reason phrase when one follows.
    numbers = list(re.finditer(rf"(?<![\w./:-]){old}(?![\w])", written))
    if len(numbers) != 1 or find_status_phrase(written) is None:
        return (f"{expected.source}: the status phrase ({old}) could not be corrected in "
                f"place; the answer is {actual}")
    number = numbers[0]
    end = number.end()
    old_reason = _reason(old)
    after = re.match(rf"[ \t]+({re.escape(old_reason)})\b", written[end:], re.IGNORECASE) \
        if old_reason else None
    text = str(actual)
    if after is not None and _reason(actual):
        new_reason = _reason(actual)
        if after.group(1).islower():
            new_reason = new_reason.lower()
        text += written[end:end + after.start(1)] + new_reason
        end += after.end(1)
    return Edit(start + number.start(), start + end, text)


def prose_mentions(guide: GuideText, needles: list[str], skip: set[int]) -> list[int]:
    """The lines of prose (outside fences, and other than `skip`) that mention any of the
    needles: an old status (`201`) or an old value (`AGENT_EXISTS`), a table row too.

    Case counts, and a plain word (`Bearer`, `active`, `kind`) counts only where it is
    written as a value, quoted or alone in a table cell: else every `bearer token` and
    `active agent` of the prose would be listed."""
    found: list[int] = []
    fenced = False
    patterns = [_mention(needle) for needle in needles if needle]
    for line in range(1, len(guide.starts) + 1):
        written = guide.line_text(line)
        if _FENCE.match(written):
            fenced = not fenced
            continue
        if fenced or line in skip:
            continue
        if any(pattern.search(written) for pattern in patterns):
            found.append(line)
    return found


def _mention(needle: str) -> re.Pattern[str]:
    word = re.escape(needle)
    if re.fullmatch(r"[A-Za-z]+", needle) and not needle.isupper():
        return re.compile(rf"[`\"']{word}[`\"']|\|[ \t]*{word}[ \t]*(?=\|)")
    return re.compile(rf"(?<![\w-]){word}(?![\w-])")
