"""The run's outcome, first on the page: the exit status the command line ends with and what it
means, in words a release manager acts on without knowing the project (the counts alone do not
say that 2 skipped steps fail a run, or that a left-behind agent does)."""

from __future__ import annotations

from runner.report.html.markup import Markup

__all__ = ["MEANINGS", "outcome_banner", "outcome_word"]

MEANINGS = {
    0: "every step passed",
    1: "a documented response or status did not match what the target answered",
    2: "a guide or the command line could not be read, or a report could not be written",
    3: "the target could not be reached or failed, or an agent was left behind on it",
    4: "the runner itself failed (a bug in verify-docs, not in the docs)",
    5: "no step was run (all held back, deselected or skipped): nothing was verified",
    130: "the run was interrupted: this report shows only what ran before",
}
"""Each exit status, as the command's --help lists it, said for someone who has not read it."""


def outcome_word(status: int) -> str:
    """`passed`, `interrupted` or `failed`: the class and the verdict word of the page."""
    return {0: "passed", 130: "interrupted"}.get(status, "failed")


def outcome_banner(m: Markup, status: int) -> str:
    """`This run FAILED (exit status 1): a documented response ... answered.`"""
    word = outcome_word(status)
    meaning = MEANINGS.get(status, "see verify-docs --help")
    return m.tag("p", m.tag("strong", m.text(f"This run {word.upper()}")),
                 m.text(f" (exit status {status}): {meaning}."),
                 id="outcome", class_=f"outcome {word}")
