"""Status phrases in prose: `201 Created`, `HTTP 404`, `returns 400`, `(409 Conflict)`, `a 401`.

A bare number is not a status ("100 agents", "3600 seconds"): it must come with its reason
phrase, or after a word that announces a status.
"""

from __future__ import annotations

import re
from http import HTTPStatus

__all__ = ["find_status_phrase"]

_NUMBER = re.compile(r"(?<![\w./:-])([1-5][0-9]{2})(?![\w.]\w|\w)")
_REASONS: dict[int, tuple[str, ...]] = {
    status.value: (status.phrase.lower(),) for status in HTTPStatus
}
# Older and newer names people still write.
_REASONS[413] = ("payload too large", "content too large", "request entity too large")
_REASONS[422] = ("unprocessable entity", "unprocessable content")
_REASONS[302] = ("found", "moved temporarily")
_REASONS[200] = ("ok",)
# Words that, right before a number, say that it is a status.
_STRONG = ("http", "http/1.1", "http/1.0", "http/2", "status", "code", "statuscode")
_VERBS = (
    "returns", "return", "returned", "returning", "responds", "respond", "responded",
    "answers", "answer", "answered", "replies", "reply", "fails", "fail", "gives", "get",
    "gets", "receive", "receives", "yields", "expect", "expects", "with",
)
_ARTICLES = ("a", "an")
# "The status code is `404`", "the response was 401": a status word, then a linking verb.
_LINKS = ("is", "was", "are", "were", "be", "becomes")
_NAMED = (*_STRONG, "response", "result")
# After an article or a verb, the number must end the phrase or name what it is.
_FOLLOWERS = frozenset(
    {
        "", "error", "errors", "response", "responses", "status", "code", "reply", "answer",
        "and", "or", "if", "when", "because", "for", "on", "but", "instead", "unless",
        "with", "as", "here", "there", "too", "then", "back", "from", "since",
    }
)


def _words_before(text: str, end: int, count: int) -> list[str]:
    """The `count` words before `end`, lower-cased, punctuation around them stripped
    (a lone `(` is no word: "This fails (401)" has "fails" right before the number)."""
    words = [word.strip("()[]{}\"'`*_,;:").lower() for word in text[:end].split()]
    return [word for word in words if word][-count:]


def _word_after(text: str, start: int) -> tuple[str, str]:
    """The next word after `start` (lower-cased, stripped) and the raw text that follows."""
    rest = text[start:]
    stripped = rest.lstrip()
    if not stripped or not (stripped[0].isalnum()):
        return "", rest
    word = stripped.split()[0]
    return word.strip("()[]{}\"'`*_,.;:!?").lower(), rest


def _has_reason(code: int, rest: str) -> bool:
    """True when `rest` starts (after spaces) with the reason phrase of `code`."""
    words = rest.split()
    for reason in _REASONS.get(code, ()):
        size = len(reason.split())
        written = " ".join(w.strip("()[]{}\"'`*_,.;:!?") for w in words[:size]).lower()
        if written == reason:
            return True
    return False


def find_status_phrase(text: str) -> tuple[int, int] | None:
    """The first status phrase in prose: (status, offset of its number), or None."""
    for match in _NUMBER.finditer(text):
        code = int(match.group(1))
        if code not in _REASONS:
            continue
        rest = text[match.end() :]
        if _has_reason(code, rest):
            return code, match.start()
        before = _words_before(text, match.start(), 3)
        last = before[-1] if before else ""
        if last in _STRONG or last.startswith("http/"):
            return code, match.start()
        if last in _LINKS and len(before) >= 2 and before[-2] in _NAMED:
            return code, match.start()
        follower, _ = _word_after(text, match.end())
        if follower not in _FOLLOWERS:
            continue
        if last in _VERBS or last == "response" or (
            last in _ARTICLES and (len(before) < 2 or before[-2] not in ("than", "about"))
        ):
            return code, match.start()
    return None
