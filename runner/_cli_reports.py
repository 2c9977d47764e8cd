"""The command line's reports: the terminal one, the files asked for (`--json`, `--junitxml`,
`--html`) and GitHub's, each tried even when another fails; and the checks made before
anything is sent."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from runner.model import DocError

if TYPE_CHECKING:
    from runner.coverage import ApiDescription
    from runner.model import RunResult

__all__ = ["HtmlReport", "check_report_folders", "display", "html_report",
           "write_reports", "write_terminal_report"]


def write_terminal_report(result: RunResult, *, verbose: bool, color: bool,
                    stream: TextIO | None = None) -> int:
    """The terminal report; 4 (and one line naming a traceback file) if it crashed."""
    from runner.report.terminal import write_terminal

    try:
        write_terminal(result, stream or sys.stdout, verbose=verbose, color=color)
    except Exception as exc:  # a bug in the report: the other reports are still written
        from runner.run import record_crash

        click.echo(f"verify-docs: {record_crash(exc, 'writing the terminal report').message}",
                   err=True)
        return 4
    return 0


def check_report_folders(json_path: str | None, junitxml: str | None,
                          html_path: str | None = None) -> None:
    """A report that could not be written is found out before anything is sent."""
    wanted = [("--json", json_path), ("--junitxml", junitxml), ("--html", html_path)]
    if os.environ.get("GITHUB_ACTIONS") == "true":
        wanted.append(("GITHUB_STEP_SUMMARY", os.environ.get("GITHUB_STEP_SUMMARY")))
    for option, path in wanted:
        if not path:
            continue
        folder = Path(path).parent
        if not folder.is_dir():
            raise DocError(f"{option} {path}: cannot write the report, expected an existing "
                           f"folder, got no folder {str(folder)!r}")


@dataclass(frozen=True, slots=True)
class HtmlReport:
    """`--html FILE`, with the OpenAPI description its coverage is measured against, or why
    there is none (the page then says so)."""

    path: str
    api: ApiDescription | None
    unavailable: str | None = None


def html_report(path: str, openapi: Path) -> HtmlReport:
    """Read the configured OpenAPI description for the page's coverage, before anything is
    sent; an unreadable one is no usage error here, only a line on the page."""
    from runner.coverage import load_openapi

    try:
        return HtmlReport(path, load_openapi(openapi, shown=display(openapi)))
    except DocError as exc:
        return HtmlReport(path, None, str(exc))


def _write_html(result: RunResult, html: HtmlReport, exit_status: int | None) -> None:
    from runner.coverage import measure_coverage
    from runner.report.html import write_html

    # Measured here, from the run's results (the report only formats what was measured).
    coverage = None if html.api is None else measure_coverage(html.api, result)
    write_html(result, Path(html.path), coverage=coverage, coverage_note=html.unavailable,
               exit_status=exit_status)


def write_reports(result: Any, json_path: str | None, junitxml: str | None,
                   html: HtmlReport | None = None, *, patch: str | None = None,
                   status: Callable[[int], int] | None = None) -> int:
    """Write every report asked for: 0, else 2 when one could not be written, 4 when one
    crashed (a bug: one line names its traceback file); each with a message.

    Each is tried even when another fails: nothing that can be reported is lost. `status`
    gives the exit status the run ends with from what the reports written so far forced:
    the HTML page, written last, states it (without it, the run's own).
    """
    from runner.report.github import write_annotations, write_step_summary
    from runner.report.json_report import write_json
    from runner.report.junit import write_junit
    from runner.run import record_crash

    forced = 0
    writers: list[tuple[str, Callable[[], None]]] = []
    if json_path:
        writers.append((f"--json {json_path}", lambda: write_json(result, Path(json_path))))
    if junitxml:
        writers.append((f"--junitxml {junitxml}", lambda: write_junit(result, Path(junitxml))))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        writers.append(("GitHub annotations", lambda: write_annotations(result, sys.stdout)))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            writers.append((f"GITHUB_STEP_SUMMARY {summary}",
                            lambda: write_step_summary(result, Path(summary), patch=patch)))
    if html is not None:
        # Last, so that the outcome it states counts every other report not written.
        writers.append((f"--html {html.path}", lambda: _write_html(
            result, html, None if status is None else status(forced))))
    for what, write in writers:
        try:
            write()
        except OSError as exc:
            click.echo(f"verify-docs: {what}: cannot write the report: "
                       f"{exc.strerror or exc}", err=True)
            forced = max(forced, 2)
        except Exception as exc:  # a bug in one report: the others are still written
            click.echo(f"verify-docs: {record_crash(exc, f'writing {what}').message}",
                       err=True)
            forced = 4
    return forced


def display(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
