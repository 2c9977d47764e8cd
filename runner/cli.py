"""The `verify-docs` command: run or lint guides, or serve the embedded IdP."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from runner._cli_parallel import cleanup_said, run_guides
from runner._cli_reports import (
    check_report_folders,
    display,
    html_report,
    write_reports,
    write_terminal_report,
)
from runner._cli_update import snapshot, update_guides
from runner.model import TargetError, VerifyDocsError

if TYPE_CHECKING:
    from runner.model import RunResult

__all__ = ["main"]


class _DefaultGroup(click.Group):
    """`verify-docs [PATH...]` is `verify-docs run [PATH...]`; other words name subcommands.

    Its help shows the default command's options with the subcommands, since that is
    what a user types most; only `--help` and `--version`, as the first word, are the
    group's own.
    """

    default_command = "run"
    own_options = ("--help", "-h", "--version")

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if not args or (args[0] not in self.commands and args[0] not in self.own_options):
            args = [self.default_command, *args]
        return super().parse_args(ctx, args)

    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] [PATHS]...")
        formatter.write_usage(ctx.command_path, "COMMAND [ARGS]...", prefix="       ")

    def format_options(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        default = self.commands[self.default_command]
        # The default command's own parameters, without its --help: the group's says it.
        records = [record for param in default.params
                   if not isinstance(param, click.Argument)
                   and (record := param.get_help_record(ctx)) is not None]
        records += [record for param in self.get_params(ctx)
                    if (record := param.get_help_record(ctx)) is not None]
        with formatter.section("Options"):
            formatter.write_dl(records)
        self.format_commands(ctx, formatter)


_EXIT_STATUSES = """\b
Exit status, the highest that applies:
  0  every step passed
  1  a documented expectation did not hold
  2  the docs or the command line could not be read (or IDP_BOOTSTRAP_TOKEN is unset)
  3  the target could not be reached, failed or refused the token, or an agent was left
  4  the runner itself failed (a bug): the message names a traceback file
  5  no step was run (all held back by --read-only, deselected by -k, or skipped)
  130  interrupted"""


@click.group(cls=_DefaultGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog=_EXIT_STATUSES)
@click.version_option(package_name="verify-docs", prog_name="verify-docs")
def cli() -> None:
    """Executable developer guides: run every documented request, prove every response.

    Verifies the guides under PATHS (default: docs/) against the embedded AgentIdP or
    --target; `verify-docs PATHS` is short for `verify-docs run PATHS`.
    """


@cli.command("run", epilog=_EXIT_STATUSES)
@click.argument("paths", nargs=-1, type=click.Path())
@click.option("--target", metavar="URL",
              help="'embedded' (default) or the URL of a running AgentIdP.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), help="Write a JSON report.")
@click.option("--junitxml", type=click.Path(dir_okay=False), help="Write a JUnit XML report.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write an HTML report: one self-contained page, with the coverage of the "
                   "OpenAPI description (`openapi` in [tool.verify-docs]).")
@click.option("--baseline", metavar="FILE",
              help="An earlier run's JSON report: mark each step new failure, fixed, still "
                   "failing, new or unchanged.")
@click.option("--lint", is_flag=True, help="Read and plan the guides; send nothing.")
@click.option("-k", "keyword", metavar="EXPR",
              help="Only guides or steps matching this expression.")
@click.option("-v", "--verbose", is_flag=True, help="Show each plan, request and response.")
@click.option("-n", "jobs", type=click.IntRange(1, 64), metavar="N", help="Guides run in parallel.")
@click.option("--read-only", is_flag=True,
              help="Send nothing that changes state (production smoke checks).")
@click.option("--keep", is_flag=True,
              help="Leave the agents a guide created (no cleanup on a URL target).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), metavar="SECONDS",
              help="Seconds a request may take when the guide gives no -m.")
@click.option("--strict/--no-strict", default=None,
              help="Bash's semantics: bind no variable from responses, and fail a step that "
                   "reads what a reader's shell would not hold (default: strict in "
                   "[tool.verify-docs]).")
@click.option("--update", is_flag=True,
              help="Rewrite drifted documented responses in place with what the target "
                   "answered (no secret, no run tag); lists what needs a person.")
@click.option("--diff", is_flag=True,
              help="Print the unified diff --update would write; write nothing.")
def run_command(paths: tuple[str, ...], **options: Any) -> None:
    """Verify the guides under PATHS (default: docs/)."""
    # SIGTERM ends a run the way Ctrl-C does, from start-up on: clean up, report, exit 130.
    handling = _main_thread()
    if handling:
        previous = signal.getsignal(signal.SIGINT), signal.getsignal(signal.SIGTERM)
        signal.signal(signal.SIGTERM, _terminate)
    status = _guarded(lambda: _run(paths, **options))
    if handling and _process.exits_after_run:
        # The run is over and reported: a late signal must not change the exit status.
        # A no-op handler, not SIG_IGN, which processes started later would inherit.
        signal.signal(signal.SIGINT, _after_report)
        signal.signal(signal.SIGTERM, _after_report)
    elif handling:
        # Called in process (a test, a script): leave its signals as they were.
        signal.signal(signal.SIGINT, previous[0])
        signal.signal(signal.SIGTERM, previous[1])
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


_COVERAGE_EXIT = """\b
Exit status, the highest that applies:
  0  coverage measured (and at or above --fail-under)
  1  the verified responses are under --fail-under PERCENT
  2  the OpenAPI file, a guide or the command line could not be read
  3  the target could not be reached or failed, or an agent was left
  4  the runner itself failed (a bug): the message names a traceback file
  5  nothing else applies and no step was run (-k matched none, --read-only held all)
  130  interrupted"""

# The options a coverage run shares with `verify-docs run`: the same guides, target and
# selection, defined once (on `run`).
_RUN_OPTIONS_FOR_COVERAGE = ("paths", "target", "keyword", "verbose", "jobs", "read_only",
                             "keep", "timeout", "strict")


@cli.command("coverage", epilog=_COVERAGE_EXIT)
@click.option("--openapi", type=click.Path(dir_okay=False),
              help="The OpenAPI description, YAML or JSON (default: `openapi` in "
                   "[tool.verify-docs], else fixtures/openapi.yaml).")
@click.option("--json", "json_path", type=click.Path(dir_okay=False, allow_dash=True),
              help="Write the coverage as JSON to this file ('-': to stdout, no table).")
@click.option("--fail-under", type=click.FloatRange(0, 100), metavar="PERCENT",
              help="Exit 1 when under PERCENT of the OpenAPI's responses are verified.")
def coverage_command(paths: tuple[str, ...], **options: Any) -> None:
    """Run the guides under PATHS (default: docs/), then show which operations, responses
    and error codes of an OpenAPI description they verify."""
    sys.exit(_guarded(lambda: _coverage(paths, **options)))


coverage_command.params[:0] = [param for param in run_command.params
                               if param.name in _RUN_OPTIONS_FOR_COVERAGE]


def _coverage(
    paths: Sequence[str],
    *,
    openapi: str | None,
    json_path: str | None,
    fail_under: float | None,
    **run_options: Any,
) -> int:
    from runner.config import load_config, project_config
    from runner.coverage import load_openapi, measure_coverage
    from runner.report.coverage import (
        percent_text,
        threshold_text,
        write_coverage,
        write_coverage_json,
    )
    from runner.report.render import summarize

    here = load_config()
    config = project_config(Path(paths[0]), here) if paths else here
    file = Path(openapi) if openapi is not None else config.root / config.openapi
    # A bad OpenAPI file is found out before anything is sent.
    api = load_openapi(file, shown=openapi if openapi is not None else display(file))
    to_stdout = json_path == "-"
    check_report_folders(None if to_stdout else json_path, None)

    def report(result: RunResult) -> int:
        coverage = measure_coverage(api, result)
        if json_path is not None:
            write_coverage_json(coverage, sys.stdout if to_stdout else Path(json_path),
                                mask=result.mask)
        if not to_stdout:
            write_coverage(coverage, sys.stdout, run_line=summarize(result).line(),
                           fail_under=fail_under, mask=result.mask)
        figure = coverage.response_figure
        # The figure as shown (rounded down), so what is printed and the verdict agree.
        if fail_under is not None and figure.shown_percent < fail_under:
            click.echo(f"verify-docs: {percent_text(figure)} of the OpenAPI's responses are "
                       f"verified, under --fail-under {threshold_text(fail_under)} (exit 1)",
                       err=True)
            return 1
        return 0

    return _run(paths, json_path=None, junitxml=None, html_path=None, baseline=None,
                lint=False, coverage=report, **run_options)


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
    except Exception as exc:  # a bug nothing nearer caught: one line and a file, exit 4
        from runner.run import record_crash

        click.echo(f"verify-docs: {record_crash(exc, 'running').message}", err=True)
        return 4


def _run(
    paths: Sequence[str],
    *,
    target: str | None,
    json_path: str | None,
    junitxml: str | None,
    html_path: str | None,
    baseline: str | None,
    lint: bool,
    keyword: str | None,
    verbose: bool,
    jobs: int | None,
    read_only: bool,
    keep: bool,
    timeout: float | None,
    strict: bool | None,
    coverage: Callable[[RunResult], int] | None = None,
    update: bool = False,
    diff: bool = False,
) -> int:
    """Run the guides and report them; with `coverage`, that reports instead (the run's own
    report goes to stderr with -v) and gives the exit status, unless a fault outweighs it."""
    from runner._cli_plan import crash_files, plan_guides, with_crashes
    from runner.config import load_config, project_config
    from runner.read import find_guides
    from runner.report.terminal import write_lint
    from runner.run import Selection

    # Settings come from the project the guides are in, then the current folder's.
    here = load_config()
    config = (project_config(Path(paths[0]), here) if paths else here).override(
        timeout=timeout, jobs=jobs)
    selection = Selection.parse(keyword) if keyword else None
    check_report_folders(json_path, junitxml, html_path)
    html = None if html_path is None else html_report(html_path, config.root / config.openapi)
    # A baseline that cannot be read is a usage error before anything is sent.
    earlier = None
    if baseline is not None:
        from runner.compare import load_baseline

        earlier = load_baseline(Path(baseline), shown=baseline)
    crashes: dict[str, str] = {}
    found = find_guides(paths or config.paths)
    # What each guide held when it was read: --update never writes over a later change.
    read_as = snapshot(found) if update or diff else {}
    try:
        guides = plan_guides(found, config, here, display, crashes)
    except KeyboardInterrupt:
        from runner.model import RunResult

        write_reports(RunResult(target=target or config.target), json_path, junitxml, html,
                      status=_interrupted)
        click.echo("verify-docs: interrupted before any request was sent", err=True)
        return 130
    planned = any(g.steps for g in guides)
    if selection is not None:
        guides = [g for g in guides if selection.wants_guide(g)]
    if lint:
        if selection is not None:
            # The plan and the count are of the steps -k picked, as a run would report them.
            guides = [selection.narrowed(g) for g in guides]
        write_lint(guides, sys.stdout, verbose=verbose)
        return 2 if any(g.errors for g in guides) else 0

    from runner.run import configured_target
    from runner.run.staging import preflight

    chosen = configured_target(config, target, keep=keep, read_only=read_only, strict=strict,
                               observe=update or diff)
    # A missing or refused token is one message before anything else is sent, not the same
    # "not set" or 401 once per guide.
    try:
        preflight(guides, chosen)
    except KeyboardInterrupt:
        from runner.model import RunResult

        write_reports(RunResult(target=chosen.name, mask=chosen.secrets.mask), json_path,
                       junitxml, html, status=_interrupted)
        click.echo("verify-docs: interrupted during the preflight check; no guide was run",
                   err=True)
        return 130
    except TargetError as exc:
        if chosen.reach.since is None:
            raise
        # Nobody answers: one message, then every guide reported as not started, with the
        # reports written (nothing is sent by run_guides once the target counts as gone).
        click.echo(f"verify-docs: {exc.message}", err=True)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    outcome = run_guides(guides, chosen, selection, config.jobs, color)
    result = with_crashes(outcome.result, crashes)
    if earlier is not None:
        from runner.compare import mark_changes

        result = mark_changes(result, earlier)
    from runner.run import mask_crash_files

    mask_crash_files(crash_files(result), result.mask)
    patch: str | None = None
    if coverage is None:
        # With --diff, stdout is the patch alone (`verify-docs --diff docs/ > fix.patch`).
        shown_on = sys.stderr if diff else sys.stdout
        forced = write_terminal_report(
            result, verbose=verbose, stream=shown_on,
            color=shown_on.isatty() and "NO_COLOR" not in os.environ)
        if (update or diff) and not outcome.interrupted:
            # After the run's own report: the diff, then what was written or left to a person.
            numbers = [len(guides)]

            def rerun(files: list[str], texts: Mapping[Path, str]) -> RunResult:
                again = plan_guides(find_guides(files), config, here, display, {}, texts)
                numbers[0] += len(again)
                return run_guides(again, chosen, None, config.jobs, False,
                                   first=numbers[0] - len(again)).result

            patch, written = update_guides(result, paths or config.paths, read_as,
                                            write=update, show=diff, rerun=rerun,
                                            documented_origin=config.documented_origin)
            forced = max(forced, written)
        before = forced

        def ends_with(reports: int) -> int:
            if outcome.interrupted or outcome.abandoned:
                return 130
            return _exit_status(result, planned=planned, forced=max(before, reports))

        forced = max(forced, write_reports(result, json_path, junitxml, html, patch=patch,
                                           status=ends_with))
    else:
        forced = write_terminal_report(result, verbose=True, color=False, stream=sys.stderr) \
            if verbose else 0
    if outcome.abandoned:
        click.echo("verify-docs: interrupted twice; reported what ran, cleanup abandoned",
                   err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Worker threads may still be waiting on the target; exiting normally would join them.
        os._exit(130)
    if outcome.interrupted:
        click.echo(f"verify-docs: interrupted; {cleanup_said(outcome.result)}", err=True)
        return 130
    status = _exit_status(result, planned=planned, forced=forced,
                          measured=None if coverage is None else coverage(result))
    files = crash_files(result)
    if files:
        click.echo("verify-docs: the runner itself failed (a bug, exit 4); traceback in "
                   + ", ".join(files), err=True)
    elif status == 5:
        click.echo("verify-docs: no step was run: every step was held back by --read-only, "
                   "deselected by -k or skipped (exit 5)", err=True)
    return status


def _exit_status(result: RunResult, *, planned: bool, forced: int,
                 measured: int | None = None) -> int:
    """What a run that was not interrupted exits with: the run's own status (or, for
    `coverage`, what it `measured`), raised by `forced`, a report not written. The HTML
    report states it too, so it is worked out in one place."""
    if measured is None:
        status = result.exit_status
    else:
        status = max(forced, measured, _coverage_faults(result))
    if status == 0 and planned and not any(g.steps for g in result.guides):
        status = 5  # -k deselected every step there was
    if measured is not None and status == 0 and not _any_ran(result):
        status = 5  # figures of a run that sent nothing would read as a real coverage
    if forced:  # a report not written: never a pass, and a crash is a crash
        status = max(forced, 0 if status == 5 else status)
    return status


def _interrupted(forced: int) -> int:
    """The exit status of a run interrupted before any guide ran, whatever the reports did."""
    return 130


def _any_ran(result: RunResult) -> bool:
    """Whether any step of the run was sent (or failed before it could be): not all skipped."""
    return any(step.status != "skipped" for guide in result.guides for step in guide.steps)


def _coverage_faults(result: RunResult) -> int:
    """What outweighs a coverage figure: 4 the runner crashed, 3 the target failed or an
    agent was left, 2 a guide could not be read (its steps are missing from the figures)."""
    from runner._cli_plan import crash_files

    if crash_files(result):
        return 4
    if result.leftovers or result.unreachable or any(g.target_fault for g in result.guides):
        return 3
    return 2 if any(g.errors for g in result.guides) else 0


def _after_report(signum: int, frame: object) -> None:
    """A signal after the reports are written changes nothing."""


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends a run the way Ctrl-C does: clean up, report, exit."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


@dataclass(slots=True)
class _Process:
    exits_after_run: bool = False
    """Set by `main`: the process ends with the run, so late signals are its to ignore."""


_process = _Process()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    _process.exits_after_run = True
    cli.main(args=list(argv) if argv is not None else None, prog_name="verify-docs")
