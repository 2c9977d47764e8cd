"""The `verify-docs` command: run or lint guides, or serve the embedded IdP."""

from __future__ import annotations

import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import click

from runner.model import DocError, TargetError, VerifyDocsError

if TYPE_CHECKING:
    from runner.coverage import ApiDescription
    from runner.model import Guide, GuideResult, RunResult
    from runner.run import Selection, Target

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
                   "failing or unchanged.")
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
    api = load_openapi(file, shown=openapi if openapi is not None else _display(file))
    to_stdout = json_path == "-"
    _check_report_folders(None if to_stdout else json_path, None)

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
    _check_report_folders(json_path, junitxml, html_path)
    html = None if html_path is None else _html_report(html_path, config.root / config.openapi)
    # A baseline that cannot be read is a usage error before anything is sent.
    earlier = None
    if baseline is not None:
        from runner.compare import load_baseline

        earlier = load_baseline(Path(baseline), shown=baseline)
    crashes: dict[str, str] = {}
    found = find_guides(paths or config.paths)
    # What each guide held when it was read: --update never writes over a later change.
    snapshot = _snapshot(found) if update or diff else {}
    try:
        guides = plan_guides(found, config, here, _display, crashes)
    except KeyboardInterrupt:
        from runner.model import RunResult

        _write_reports(RunResult(target=target or config.target), json_path, junitxml, html)
        click.echo("verify-docs: interrupted before any request was sent", err=True)
        return 130
    planned = any(g.steps for g in guides)
    if selection is not None:
        guides = [g for g in guides if selection.wants_guide(g)]
    if lint:
        write_lint(guides, sys.stdout, verbose=verbose)
        return 2 if any(g.errors for g in guides) else 0

    from runner.run import configured_target
    from runner.run.staging import preflight

    chosen = configured_target(config, target, keep=keep, read_only=read_only, strict=strict)
    # A missing or refused token is one message before anything else is sent, not the same
    # "not set" or 401 once per guide.
    try:
        preflight(guides, chosen)
    except KeyboardInterrupt:
        from runner.model import RunResult

        _write_reports(RunResult(target=chosen.name, mask=chosen.secrets.mask), json_path,
                       junitxml, html)
        click.echo("verify-docs: interrupted during the preflight check; no guide was run",
                   err=True)
        return 130
    except TargetError as exc:
        if chosen.reach.since is None:
            raise
        # Nobody answers: one message, then every guide reported as not started, with the
        # reports written (nothing is sent by _run_guides once the target counts as gone).
        click.echo(f"verify-docs: {exc.message}", err=True)
    color = sys.stdout.isatty() and "NO_COLOR" not in os.environ
    outcome = _run_guides(guides, chosen, selection, config.jobs, color)
    result = with_crashes(outcome.result, crashes)
    if earlier is not None:
        from runner.compare import mark_changes

        result = mark_changes(result, earlier)
    from runner.run import mask_crash_files

    mask_crash_files(crash_files(result), result.mask)
    patch: str | None = None
    if coverage is None:
        forced = _write_terminal(result, verbose=verbose, color=color)
        if (update or diff) and not outcome.interrupted:
            # After the run's own report: the diff, then what was written or left to a person.
            numbers = [len(guides)]

            def rerun(files: list[str]) -> RunResult:
                again = plan_guides(find_guides(files), config, here, _display, {})
                numbers[0] += len(again)
                return _run_guides(again, chosen, None, config.jobs, False,
                                   first=numbers[0] - len(again)).result

            patch, written = _update_guides(result, paths or config.paths, snapshot,
                                            write=update, show=diff, rerun=rerun)
            forced = max(forced, written)
        forced = max(forced, _write_reports(result, json_path, junitxml, html, patch=patch))
    else:
        forced = _write_terminal(result, verbose=True, color=False, stream=sys.stderr) \
            if verbose else 0
    if outcome.abandoned:
        click.echo("verify-docs: interrupted twice; reported what ran, cleanup abandoned",
                   err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Worker threads may still be waiting on the target; exiting normally would join them.
        os._exit(130)
    if outcome.interrupted:
        click.echo(f"verify-docs: interrupted; {_cleanup_said(outcome.result)}", err=True)
        return 130
    if coverage is not None:
        status = max(forced, coverage(result), _coverage_faults(result))
    else:
        status = result.exit_status
    if status == 0 and planned and not any(g.steps for g in result.guides):
        status = 5  # -k deselected every step there was
    if coverage is not None and status == 0 and not _any_ran(result):
        status = 5  # figures of a run that sent nothing would read as a real coverage
    if forced:  # a report not written: never a pass, and a crash is a crash
        status = max(forced, 0 if status == 5 else status)
    files = crash_files(result)
    if files:
        click.echo("verify-docs: the runner itself failed (a bug, exit 4); traceback in "
                   + ", ".join(files), err=True)
    elif status == 5:
        click.echo("verify-docs: no step was run: every step was held back by --read-only, "
                   "deselected by -k or skipped (exit 5)", err=True)
    return status


def _any_ran(result: RunResult) -> bool:
    """Whether any step of the run was sent (or failed before it could be): not all skipped."""
    return any(step.status != "skipped" for guide in result.guides for step in guide.steps)


def _snapshot(files: Sequence[Path]) -> dict[Path, str]:
    from runner.update import digest

    return {file.resolve(): digest(file.read_bytes()) for file in files}


def _update_guides(result: RunResult, paths: Sequence[str], snapshot: dict[Path, str], *,
                   write: bool, show: bool,
                   rerun: Callable[[list[str]], RunResult]) -> tuple[str | None, int]:
    """`--update` and `--diff`: the patch (for the step summary), and 2 when a file could not
    be written. What needs a person is listed on stderr either way.

    A step blocked by an earlier failure was never compared: after writing, the guides
    written are run again (`rerun`, reporting nothing) and updated again, at most twice more,
    so that one `--update` leaves guides the next run passes.
    """
    from runner.update import digest, plan_update, render_diff, write_update

    allowed = [Path(path) for path in paths]
    update = plan_update(result, allowed=allowed, snapshot=snapshot)
    patch = render_diff(update)
    if show and patch:
        click.echo(patch, nl=False)
    forced = 0
    looks = {look: None for look in update.looks}
    prose = {line: None for line in update.prose}
    rounds = 3 if write else 1
    for round_number in range(1, rounds + 1):
        if round_number > 1:
            files = [file.path for file in update.files]
            snapshot = {file.file.resolve(): digest(file.new.encode("utf-8"))
                        for file in update.files}
            again = rerun(files)
            update = plan_update(again, allowed=allowed, snapshot=snapshot)
            # What the rerun guides still need replaces what was said of them before (their
            # prose still names the old values: it stays listed).
            looks = {look: None for look in looks if not look.startswith(tuple(files))}
            looks.update((look, None) for look in update.looks)
            prose.update((line, None) for line in update.prose)
        if not write or not update.files:
            break
        try:
            written = write_update(update)
        except DocError as exc:
            click.echo(f"verify-docs: {exc.message}", err=True)
            written, forced = [], 2
        except OSError as exc:
            click.echo(f"verify-docs: --update: cannot write a guide: {exc}", err=True)
            written, forced = [], 2
        for path in written:
            click.echo(f"verify-docs: updated {path}", err=True)
        if not written:
            break
    for look in looks:
        click.echo(f"verify-docs: not updated, needs a look: {look}", err=True)
    for line in prose:
        click.echo(f"verify-docs: prose that may need a look: {line}", err=True)
    return patch or None, forced


def _coverage_faults(result: RunResult) -> int:
    """What outweighs a coverage figure: 4 the runner crashed, 3 the target failed or an
    agent was left, 2 a guide could not be read (its steps are missing from the figures)."""
    from runner._cli_plan import crash_files

    if crash_files(result):
        return 4
    if result.leftovers or result.unreachable or any(g.target_fault for g in result.guides):
        return 3
    return 2 if any(g.errors for g in result.guides) else 0


def _write_terminal(result: RunResult, *, verbose: bool, color: bool,
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


@dataclass(frozen=True, slots=True)
class _Outcome:
    """What `_run_guides` ends with: the results, and how the run was stopped, if it was."""

    result: RunResult
    interrupted: bool = False
    abandoned: bool = False
    """Interrupted a second time while guides were cleaning up: nobody waits for them."""


def _run_guides(
    guides: Sequence[Guide], target: Target, selection: Selection | None, jobs: int, color: bool,
    first: int = 0,
) -> _Outcome:
    """Run guides (in parallel up to `jobs`), keeping their order in the results; `first` is
    the number of the first (guides run again by `--update` take numbers of their own, so
    their unique values never meet the ones a shared target already holds)."""
    from concurrent.futures import ThreadPoolExecutor

    from runner.model import RunResult
    from runner.report.terminal import Progress
    from runner.run import Interrupted, not_started, run_guide

    cancel = threading.Event()
    results: dict[int, GuideResult] = {}

    unreachable: list[str] = []

    def one(number: int) -> GuideResult:
        guide = guides[number]
        # Once the target stopped answering, every guide not yet started would only repeat
        # its timeouts: the run ends there (sticky, even if the target comes back meanwhile).
        since = unreachable[0] if unreachable else target.reach.since
        if since is not None:
            unreachable.append(since)
            return not_started(guide, f"not started: target unreachable since {since}")
        wanted = selection.step_filter(guide) if selection is not None else None
        return run_guide(guide, target, selected=wanted, number=first + number,
                         cancel=cancel)

    interrupted = abandoned = False
    pool = ThreadPoolExecutor(max_workers=jobs)
    with Progress(len(guides), enabled=color) as progress:
        futures = {pool.submit(one, n): n for n in range(len(guides))}
        try:
            for future, number in futures.items():
                try:
                    results[number] = future.result()
                except Interrupted as stop:
                    results[number] = stop.result
                    raise KeyboardInterrupt from None
                progress.advance(guides[number].path)
        except KeyboardInterrupt:
            interrupted = True
            cancel.set()
            for future in futures:
                future.cancel()
            try:
                # Inside the `try`: a second interrupt may come the moment this is read.
                if any(n not in results and not f.cancelled() for f, n in futures.items()):
                    click.echo("verify-docs: interrupted; letting running guides clean up "
                               "(interrupt again to stop now)", err=True)
                for future, number in futures.items():
                    if number in results or future.cancelled():
                        continue
                    try:
                        results[number] = future.result()
                    except Interrupted as stop:
                        results[number] = stop.result
            except KeyboardInterrupt:
                # Twice: stop waiting. What finished is reported; what did not says so.
                abandoned = True
                for future, number in futures.items():
                    if number not in results and not future.cancelled():
                        results[number] = _abandoned(guides[number].path)
    pool.shutdown(wait=not abandoned, cancel_futures=True)
    for number, guide in enumerate(guides):
        if number not in results:  # never started: reported, not left out
            results[number] = not_started(guide, "interrupted before the guide started")
    ordered = tuple(results[n] for n in sorted(results))
    since = unreachable[0] if unreachable else target.reach.since
    # The reports mask with what the whole run learned, by the time they are written.
    return _Outcome(RunResult(target=target.name, guides=ordered, unreachable=since,
                              mask=target.secrets.mask), interrupted, abandoned)


def _cleanup_said(result: RunResult) -> str:
    """What an interrupted run did, truthfully: cleaned up only when nothing was left."""
    left = len(result.leftovers)
    if left:
        return (f"reported what ran; {left} agent{'' if left == 1 else 's'} could not be "
                "decommissioned (named above)")
    kept = result.cleanup_counts()["kept"]
    if kept:
        return f"reported what ran; {kept} agent{'' if kept == 1 else 's'} kept (--keep)"
    if result.target == "embedded":
        return "reported what ran"
    return "cleaned up and reported what ran"


def _abandoned(path: str) -> GuideResult:
    from runner.model import GuideResult, Source

    return GuideResult(path=path, status="error", errors=((
        Source(path, 1),
        "interrupted again while this guide was running or cleaning up: its results were "
        "not waited for, and agents it created may remain on the target",
    ),))


def _after_report(signum: int, frame: object) -> None:
    """A signal after the reports are written changes nothing."""


def _terminate(signum: int, frame: object) -> None:
    """SIGTERM ends a run the way Ctrl-C does: clean up, report, exit."""
    raise KeyboardInterrupt


def _main_thread() -> bool:
    return threading.current_thread() is threading.main_thread()


def _check_report_folders(json_path: str | None, junitxml: str | None,
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
class _HtmlReport:
    """`--html FILE`, with the OpenAPI description its coverage is measured against, or why
    there is none (the page then says so)."""

    path: str
    api: ApiDescription | None
    unavailable: str | None = None


def _html_report(path: str, openapi: Path) -> _HtmlReport:
    """Read the configured OpenAPI description for the page's coverage, before anything is
    sent; an unreadable one is no usage error here, only a line on the page."""
    from runner.coverage import load_openapi

    try:
        return _HtmlReport(path, load_openapi(openapi, shown=_display(openapi)))
    except DocError as exc:
        return _HtmlReport(path, None, str(exc))


def _write_html(result: RunResult, html: _HtmlReport) -> None:
    from runner.coverage import measure_coverage
    from runner.report.html import write_html

    # Measured here, from the run's results (the report only formats what was measured).
    coverage = None if html.api is None else measure_coverage(html.api, result)
    write_html(result, Path(html.path), coverage=coverage, coverage_note=html.unavailable)


def _write_reports(result: Any, json_path: str | None, junitxml: str | None,
                   html: _HtmlReport | None = None, *, patch: str | None = None) -> int:
    """Write every report asked for: 0, else 2 when one could not be written, 4 when one
    crashed (a bug: one line names its traceback file); each with a message.

    Each is tried even when another fails: nothing that can be reported is lost.
    """
    from runner.report.github import write_annotations, write_step_summary
    from runner.report.json_report import write_json
    from runner.report.junit import write_junit
    from runner.run import record_crash

    writers: list[tuple[str, Callable[[], None]]] = []
    if json_path:
        writers.append((f"--json {json_path}", lambda: write_json(result, Path(json_path))))
    if junitxml:
        writers.append((f"--junitxml {junitxml}", lambda: write_junit(result, Path(junitxml))))
    if html is not None:
        writers.append((f"--html {html.path}", lambda: _write_html(result, html)))
    if os.environ.get("GITHUB_ACTIONS") == "true":
        writers.append(("GitHub annotations", lambda: write_annotations(result, sys.stdout)))
        summary = os.environ.get("GITHUB_STEP_SUMMARY")
        if summary:
            writers.append((f"GITHUB_STEP_SUMMARY {summary}",
                            lambda: write_step_summary(result, Path(summary), patch=patch)))
    forced = 0
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


def _display(path: Path) -> str:
    """The path as the user would write it: relative to the working directory when below it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


@dataclass(slots=True)
class _Process:
    exits_after_run: bool = False
    """Set by `main`: the process ends with the run, so late signals are its to ignore."""


_process = _Process()


def main(argv: Sequence[str] | None = None) -> None:
    """Console-script entry point."""
    _process.exits_after_run = True
    cli.main(args=list(argv) if argv is not None else None, prog_name="verify-docs")
