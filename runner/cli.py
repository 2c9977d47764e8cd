"""The `verify-docs` command: run or lint guides, or serve the embedded IdP."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from runner.errors import VerifyDocsError

__all__ = ["main"]


class _DefaultGroup(click.Group):
    """`verify-docs [PATH...]` runs guides; `verify-docs serve` is the one subcommand."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in ("--help", "-h")):
            args = ["run", *args]
        return super().parse_args(ctx, args)


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="verify-docs", prog_name="verify-docs")
def cli() -> None:
    """Executable developer guides: run every documented request, prove every response."""


@cli.command("run")
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--target", help="'embedded' (default) or the URL of a running AgentIdP.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--junitxml", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--lint", is_flag=True, help="Read and plan the guides; send nothing.")
@click.option("-k", "keyword", help="Only guides or steps matching this expression.")
@click.option("-v", "--verbose", is_flag=True, help="Show each plan, request and response.")
def run_command(
    paths: tuple[str, ...],
    target: str | None,
    json_path: str | None,
    junitxml: str | None,
    lint: bool,
    keyword: str | None,
    verbose: bool,
) -> None:
    """Verify the guides under PATHS (default: docs/)."""
    status = _guarded(lambda: _run(paths or ("docs/",), target, json_path, junitxml, lint,
                                   keyword, verbose))
    sys.exit(status)


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=3000, show_default=True, type=click.IntRange(0, 65535))
@click.option("--rate-limit", default=100, show_default=True, type=click.IntRange(0),
              help="Requests a minute per client; 0 turns the limit off.")
@click.option("--allow-remote", is_flag=True, help="Allow binding a non-loopback address.")
def serve_command(host: str, port: int, rate_limit: int, allow_remote: bool) -> None:
    """Serve the embedded AgentIdP on loopback, for pasting the guides into a shell."""
    from fixtures.idp.server import serve

    try:
        serve(host, port, rate_limit=rate_limit, allow_remote=allow_remote)
    except (ValueError, OSError) as exc:
        click.echo(f"verify-docs serve: {exc}", err=True)
        sys.exit(2)


def _guarded(action: Callable[[], int]) -> int:
    """Turn the project's own errors into messages and exit statuses, never tracebacks."""
    try:
        return action()
    except VerifyDocsError as exc:
        click.echo(f"verify-docs: {exc}", err=True)
        return exc.exit_status
    except KeyboardInterrupt:
        click.echo("verify-docs: interrupted", err=True)
        return 130


def _run(
    paths: Sequence[str],
    target_spec: str | None,
    json_path: str | None,
    junitxml: str | None,
    lint: bool,
    keyword: str | None,
    verbose: bool,
) -> int:
    from runner.discover import find_guides
    from runner.plan import plan_guide
    from runner.report.terminal import Progress, write_lint, write_terminal
    from runner.selection import Selection

    selection = Selection.parse(keyword) if keyword else None
    guides = [plan_guide(path, display_path=_display(path)) for path in find_guides(paths)]
    if selection is not None:
        guides = [g for g in guides if selection.wants_guide(g)]
    if lint:
        write_lint(guides, sys.stdout, verbose=verbose)
        return 2 if any(g.errors for g in guides) else 0

    from runner.result import RunResult
    from runner.run import run_guide
    from runner.target import make_target

    target = make_target(target_spec)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    results = []
    with Progress(len(guides), enabled=color) as progress:
        for guide in guides:
            step_filter = selection.step_filter(guide) if selection is not None else None
            results.append(run_guide(guide, target, selected=step_filter))
            progress.advance(guide.path)
    result = RunResult(target=target.name, guides=tuple(results))
    write_terminal(result, sys.stdout, verbose=verbose, color=color)
    _write_reports(result, json_path, junitxml)
    return result.exit_status


def _write_reports(result: Any, json_path: str | None, junitxml: str | None) -> None:
    if json_path:
        from runner.report.json_report import write_json

        write_json(result, Path(json_path))
    if junitxml:
        from runner.report.junit import write_junit

        write_junit(result, Path(junitxml))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from runner.report.github import write_annotations, write_step_summary

        write_annotations(result, sys.stdout)
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            write_step_summary(result, Path(summary))


def _display(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    cli.main(args=list(argv) if argv is not None else None, prog_name="verify-docs")
