"""The loopback mode: the runner with a URL target against `verify-docs serve --rate-limit 0`,
next to a bare httpx loop sending the same requests to the same server.

The server runs as its own process (`python -m runner serve --port 0 --rate-limit 0`, which
is `verify-docs serve`), so the CPU time of this process is the *client's* alone: the runner
(plan, preflight, run, match, cleanup, terminal report) or the floor. Both run in this
process, one after the other on the same server, each best of a few repeats; the server's own
CPU per run is read from /proc where there is one, to show both asked it for the same work.

What a URL target adds over the embedded one, and how the floor matches it:

- a preflight `GET /api/v1/agents?limit=1` before the first guide, on its own connection:
  the floor sends it too;
- unique fields (`unique-fields` of the repository's `[tool.verify-docs]`: `email`, `owner`)
  are tagged with the run id and guide number on the way out, and the tags taken off the
  answers before matching: the floor sends the tagged bodies, prebuilt before it is timed
  (as all its requests are), and takes nothing off;
- at the end of each guide the agents it created and left active are decommissioned, one
  `DELETE /api/v1/agents/{id}` with the bootstrap token per guide here: the floor sends it;
- one connection per guide (a fresh transport per guide session): the floor opens one too,
  but shares one TLS context among its transports (never used on http://; httpx would load
  the CA bundle for each, about 40 ms a guide), so that cost shows as the runner's own.

A warm-up pass of each, untimed, counts every request by method and path (ids and tags
normalized) and the bench warns when the two lists differ. What is not the same, and stays
out of the floor on purpose: the CLI's start-up and imports (the in-process figures leave
them out on both sides; the CLI line shows them for scale).
"""

from __future__ import annotations

import gc
import io
import json
import os
import re
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from string import Template
from typing import Any

import httpx

from runner.config import Config, load_config, project_config
from runner.model.result import GuideResult, RunResult
from runner.plan.planner import plan_guide
from runner.report.terminal import write_terminal
from runner.run.guide import run_guide
from runner.run.staging import preflight
from runner.run.target import Session, UrlTarget, configured_target
from tests.bench.floor import CURL_HEADERS
from tests.bench.generate import DOCUMENTED_BASE, FloorRequest, GeneratedTree
from tests.bench.measure import mandated_parsers

__all__ = ["LoopbackRow", "Server", "measure_loopback", "serve"]

REPO = Path(__file__).resolve().parents[2]
DOCUMENTED_ORIGIN = DOCUMENTED_BASE.removesuffix("/api/v1")
_START_S = 30.0
_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
_TAG = re.compile(r"r[0-9a-f]{8}-[0-9]+")

_TLS = httpx.create_ssl_context()
"""One TLS context for all the floor's transports: httpx builds one per transport by default,
loading the CA bundle each time (about 40 ms here), which an http:// target never uses."""

Counted = Counter[tuple[str, str]]
"""Requests by method and path (ids and run tags normalized): what each side sent."""


@dataclass(frozen=True, slots=True)
class Server:
    """A running `verify-docs serve`: where it listens, its bootstrap token, its process."""

    url: str
    token: str
    process: subprocess.Popen[str]

    def cpu(self) -> float | None:
        """The server process's CPU seconds so far (user + system), or None without /proc."""
        try:
            stat = Path(f"/proc/{self.process.pid}/stat").read_text()
        except OSError:
            return None
        fields = stat.rpartition(")")[2].split()
        return (int(fields[11]) + int(fields[12])) / _TICKS


@contextmanager
def serve() -> Iterator[Server]:
    """Start `verify-docs serve` on a free loopback port with no rate limit; stop it after."""
    process = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--host", "127.0.0.1", "--port", "0",
         "--rate-limit", "0"],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    try:
        assert process.stdout is not None
        # Two lines name the address and the token; a server that cannot start ends the pipe.
        first, second = process.stdout.readline().strip(), process.stdout.readline().strip()
        if not first.startswith("AgentIdP listening on http://"):
            raise RuntimeError(f"verify-docs serve did not start: {first!r}")
        if not second.startswith("BOOTSTRAP_TOKEN="):
            raise RuntimeError("verify-docs serve printed no BOOTSTRAP_TOKEN line")
        url = first.removeprefix("AgentIdP listening on ").rstrip("/")
        yield Server(url, second.removeprefix("BOOTSTRAP_TOKEN="), process)
    finally:
        process.terminate()
        try:
            process.wait(timeout=_START_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# The runner -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RunnerSide:
    """What the runner did on the URL target."""

    steps: int
    passed: int
    decommissioned: int
    first_problem: str | None


def _config(tree: GeneratedTree) -> Config:
    # As `verify-docs --target URL TREE` run from the repository root picks its settings.
    return project_config(tree.root, load_config(REPO))


def _target(config: Config, server: Server,
            wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None) -> UrlTarget:
    """The run's URL target, as the CLI makes it (options, a fresh run id, the token from
    IDP_BOOTSTRAP_TOKEN); `wrap` puts a counting transport under every session."""
    saved = os.environ.get("IDP_BOOTSTRAP_TOKEN")
    os.environ["IDP_BOOTSTRAP_TOKEN"] = server.token
    try:
        target = configured_target(config, server.url)
    finally:
        if saved is None:
            del os.environ["IDP_BOOTSTRAP_TOKEN"]
        else:
            os.environ["IDP_BOOTSTRAP_TOKEN"] = saved
    assert isinstance(target, UrlTarget)
    if wrap is not None:
        target.open = _wrapped(target.open, wrap)  # type: ignore[method-assign,assignment]
    return target


def _wrapped(open_: Callable[[int], Session],
             wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport]
             ) -> Callable[[int], Session]:
    def opened(number: int = 0) -> Session:
        session = open_(number)
        return replace(session, transport=wrap(session.transport))
    return opened


def run_runner_url(tree: GeneratedTree, server: Server, config: Config, *,
                   wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None
                   ) -> RunnerSide:
    """What `verify-docs --target URL` does after start-up, with one job: plan every guide,
    preflight, run each guide (its cleanup included), write the terminal report."""
    target = _target(config, server, wrap)
    guides = [plan_guide(path, display_path=str(path.relative_to(tree.root)), root=tree.root)
              for path in tree.paths]
    preflight(guides, target)
    results: list[GuideResult] = [run_guide(guide, target, number=number)
                                  for number, guide in enumerate(guides)]
    run = RunResult(target=target.name, guides=tuple(results))
    report = io.StringIO()
    write_terminal(run, report, verbose=False, color=False)
    steps = [step for guide in results for step in guide.steps]
    problem = next((line.strip() for line in report.getvalue().splitlines()
                    if line.startswith(("FAIL", "ERROR"))), None)
    return RunnerSide(
        steps=len(steps),
        passed=sum(step.status == "passed" for step in steps),
        decommissioned=sum(c.outcome == "decommissioned" for g in results for c in g.cleanup),
        first_problem=problem,
    )


# The floor --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FloorSide:
    """What the floor did: requests sent, how many got the documented status, agents gone."""

    requests: int
    as_documented: int
    decommissioned: int


@dataclass(frozen=True, slots=True)
class _Prebuilt:
    """One guide's requests for this server and run tag, prebuilt like the in-process floor's."""

    requests: tuple[FloorRequest, ...]


def _tag_value(key: str, value: str, tag: str) -> str:
    # The runner's isolation rule (runner/run/isolation.py), for the values these guides hold.
    if "@" in value:
        local, _, domain = value.rpartition("@")
        return f"{local}+{tag}@{domain}"
    return f"{value}-{tag}"


def _tag_json(body: str, fields: frozenset[str], tag: str) -> str:
    parsed = json.loads(body)
    if not isinstance(parsed, dict) or not fields & parsed.keys():
        return body  # the runner sends an untouched body as written
    tagged = {k: _tag_value(k, v, tag) if k in fields and isinstance(v, str) and v else v
              for k, v in parsed.items()}
    return json.dumps(tagged, ensure_ascii=False)


def prebuild_floor(tree: GeneratedTree, server: Server, run_id: str,
                   fields: frozenset[str]) -> tuple[_Prebuilt, ...]:
    """Each guide's floor requests moved onto the server, with its unique fields tagged
    `RUN-GUIDE` as the runner tags them (done before timing, as all the floor's building)."""
    guides = []
    for number, requests in enumerate(tree.floor):
        tag = f"{run_id}-{number}"
        moved = []
        for request in requests:
            url = Template(request.url.template.replace(DOCUMENTED_ORIGIN, server.url, 1))
            body = request.body
            is_json = any(name == "Content-Type" and "json" in value.template
                          for name, value in request.headers)
            if body is not None and is_json and "$" not in body.template:
                body = Template(_tag_json(body.template, fields, tag))
            moved.append(replace(request, url=url, body=body))
        guides.append(_Prebuilt(tuple(moved)))
    return tuple(guides)


def _dig(body: Any, path: tuple[str | int, ...]) -> str:
    for key in path:
        body = body[key]
    return str(body)


def run_floor_url(guides: Sequence[_Prebuilt], server: Server, *,
                  wrap: Callable[[httpx.BaseTransport], httpx.BaseTransport] | None = None
                  ) -> FloorSide:
    """The preflight GET, then per guide on its own connection: its requests, then a DELETE
    of the agent it registered, as the runner's cleanup sends it."""
    def transport() -> httpx.BaseTransport:
        made = httpx.HTTPTransport(retries=0, verify=_TLS)
        return made if wrap is None else wrap(made)

    bootstrap = f"Bearer {server.token}"
    statuses: list[tuple[int, int]] = []
    with httpx.Client(transport=transport()) as client:
        response = client.send(httpx.Request(
            "GET", f"{server.url}/api/v1/agents?limit=1", headers={"Authorization": bootstrap}))
        statuses.append((200, response.status_code))
    gone = 0
    for guide in guides:
        values: dict[str, str] = {"BOOTSTRAP_TOKEN": server.token}
        with httpx.Client(transport=transport()) as client:
            for request in guide.requests:
                headers = [*CURL_HEADERS,
                           *((name, value.substitute(values)) for name, value in request.headers)]
                response = client.send(httpx.Request(
                    request.method,
                    request.url.substitute(values),
                    headers=headers,
                    content=None if request.body is None else request.body.substitute(values),
                ))
                statuses.append((request.expected, response.status_code))
                if request.binds:
                    body = response.json()
                    for name, path in request.binds:
                        values[name] = _dig(body, path)
            if "AGENT_ID" in values:
                response = client.send(httpx.Request(
                    "DELETE", f"{server.url}/api/v1/agents/{values['AGENT_ID']}",
                    headers={"Authorization": bootstrap}))
                gone += 200 <= response.status_code < 300
    return FloorSide(len(statuses), sum(expected == real for expected, real in statuses), gone)


# Counting what each side sends ------------------------------------------------------------


class _Counting(httpx.BaseTransport):
    """Passes every request on, noting its method and normalized path and query."""

    def __init__(self, inner: httpx.BaseTransport, seen: Counted) -> None:
        self._inner, self._seen = inner, seen

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        target = request.url.raw_path.decode("ascii", "replace")
        self._seen[(request.method, _TAG.sub("TAG", _UUID.sub("ID", target)))] += 1
        return self._inner.handle_request(request)

    def close(self) -> None:
        self._inner.close()


def _counter(seen: Counted) -> Callable[[httpx.BaseTransport], httpx.BaseTransport]:
    return lambda inner: _Counting(inner, seen)


def _difference(runner: Counted, floor: Counted) -> str:
    only_runner, only_floor = runner - floor, floor - runner
    parts = [f"runner only {dict(only_runner)}" if only_runner else "",
             f"floor only {dict(only_floor)}" if only_floor else ""]
    return "; ".join(part for part in parts if part)


# Measuring --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Sample:
    """One timed run: client CPU and wall seconds, the server's CPU over it."""

    cpu: float
    wall: float
    server_cpu: float | None


@dataclass(frozen=True, slots=True)
class LoopbackRow:
    """The loopback measurement at one size."""

    label: str
    steps: int
    runner: Sample
    floor: Sample
    runner_side: RunnerSide
    floor_side: FloorSide
    requests: int
    """Requests each side sent in the warm-up pass (the runner's count)."""
    same_requests: str
    """Empty when both sent the same requests; else what differs."""
    cli_cpu: float | None
    """`verify-docs --target URL TREE` as a subprocess: client CPU with start-up and imports."""
    parsers_cpu: float
    """markdown-it and tree-sitter-bash over the same guides, alone: the least any runner
    held to the project's parsers adds to the floor."""

    @property
    def cpu_ratio(self) -> float:
        return self.runner.cpu / max(self.floor.cpu, 1e-9)


def _timed(server: Server, action: Callable[[], Any]) -> tuple[Sample, Any]:
    gc.collect()
    before = server.cpu()
    start, cpu = time.perf_counter(), time.process_time()
    value = action()
    wall, used = time.perf_counter() - start, time.process_time() - cpu
    after = server.cpu()
    server_cpu = None if before is None or after is None else after - before
    return Sample(used, wall, server_cpu), value


def _cli_cpu(tree: GeneratedTree, server: Server) -> float | None:
    """Client CPU of the real command (user + system of the child), start-up included."""
    command = Path(sys.executable).parent / "verify-docs"
    before = os.times()
    done = subprocess.run(
        [str(command), "--target", server.url, str(tree.root / "docs")], cwd=REPO,
        env={**os.environ, "IDP_BOOTSTRAP_TOKEN": server.token, "NO_COLOR": "1"},
        capture_output=True, check=False)
    after = os.times()
    if done.returncode != 0:
        return None
    return (after.children_user - before.children_user) + (
        after.children_system - before.children_system)


def _cpu_of(action: Callable[[], object]) -> float:
    started = time.process_time()
    action()
    return time.process_time() - started


def measure_loopback(tree: GeneratedTree, label: str, repeat: int, *,
                     cli: bool = True) -> LoopbackRow:
    """Start a server; count one untimed pass of each side; then alternate runner and floor
    `repeat` times, keeping each side's least client CPU; then the CLI once, for scale."""
    config = _config(tree)
    fields = frozenset(config.unique_fields)
    with serve() as server:
        runner_seen: Counted = Counter()
        floor_seen: Counted = Counter()
        run_runner_url(tree, server, config, wrap=_counter(runner_seen))
        run_floor_url(prebuild_floor(tree, server, "r0badc0d", fields), server,
                      wrap=_counter(floor_seen))
        runner_best: tuple[Sample, RunnerSide] | None = None
        floor_best: tuple[Sample, FloorSide] | None = None
        for round_ in range(max(1, repeat)):
            sample, side = _timed(server, lambda: run_runner_url(tree, server, config))
            if runner_best is None or sample.cpu < runner_best[0].cpu:
                runner_best = (sample, side)
            guides = prebuild_floor(tree, server, f"r{round_:08x}", fields)
            floor_sample, floor_side = _timed(server, partial(run_floor_url, guides, server))
            if floor_best is None or floor_sample.cpu < floor_best[0].cpu:
                floor_best = (floor_sample, floor_side)
        cli_cpu = _cli_cpu(tree, server) if cli else None
    parsers = min(_cpu_of(lambda: mandated_parsers(tree.paths)) for _ in range(max(1, repeat)))
    assert runner_best is not None and floor_best is not None
    return LoopbackRow(
        label=label,
        steps=tree.steps,
        runner=runner_best[0],
        floor=floor_best[0],
        runner_side=runner_best[1],
        floor_side=floor_best[1],
        requests=sum(runner_seen.values()),
        same_requests=_difference(runner_seen, floor_seen),
        cli_cpu=cli_cpu,
        parsers_cpu=parsers,
    )


def describe(row: LoopbackRow, aim: float, verdict: Callable[[bool], str]) -> list[str]:
    """The loopback part's lines for the bench's output."""
    def ms(seconds: float | None) -> str:
        return "-" if seconds is None else f"{seconds * 1000 / row.steps:.3f}"

    lines = [
        f"loopback: {row.label} ({row.steps} steps, {row.requests} requests a side with the "
        "preflight GET and one cleanup DELETE per guide), `verify-docs serve --rate-limit 0` "
        "in its own process",
        f"{'':>10} {'client cpu s':>12} {'ms/step':>8} {'wall s':>7} {'server cpu ms/step':>19}",
        f"{'runner':>10} {row.runner.cpu:>12.3f} {ms(row.runner.cpu):>8} "
        f"{row.runner.wall:>7.3f} {ms(row.runner.server_cpu):>19}",
        f"{'floor':>10} {row.floor.cpu:>12.3f} {ms(row.floor.cpu):>8} "
        f"{row.floor.wall:>7.3f} {ms(row.floor.server_cpu):>19}",
    ]
    if row.cli_cpu is not None:
        lines.append(f"{'CLI':>10} {row.cli_cpu:>12.3f} {ms(row.cli_cpu):>8}   (for scale: "
                     "`verify-docs --target URL`, start-up and imports included)")
    side = row.runner_side
    if side.passed != row.steps or side.steps != row.steps:
        lines.append(f"WARNING: on loopback the runner passed {side.passed} of {row.steps} "
                     f"steps ({side.steps} reported): {side.first_problem}")
    floor = row.floor_side
    if floor.as_documented != floor.requests:
        lines.append(f"WARNING: on loopback the floor got the documented status for "
                     f"{floor.as_documented} of {floor.requests} requests")
    if side.decommissioned != floor.decommissioned:
        lines.append(f"WARNING: the runner decommissioned {side.decommissioned} agents, the "
                     f"floor {floor.decommissioned}")
    if row.same_requests:
        lines.append(f"WARNING: the two sides did not send the same requests: "
                     f"{row.same_requests}")
    least = (row.floor.cpu + row.parsers_cpu) / row.floor.cpu
    lines.append(
        f"{'parsers':>10} {row.parsers_cpu:>12.3f} {ms(row.parsers_cpu):>8}   (markdown-it and "
        f"tree-sitter-bash alone, which the standards require: no runner using them can go "
        f"below {least:.2f} x the floor)")
    lines.append(
        f"ratio runner/floor on loopback: {row.cpu_ratio:.2f} in client cpu time "
        f"({row.runner.wall / row.floor.wall:.2f} wall)  [aim <= {aim}: "
        f"{verdict(row.cpu_ratio <= aim)}]")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m tests.bench.loopback [GUIDES]`: the loopback part alone."""
    import tempfile

    from tests.bench.generate import generate_tree

    args = list(sys.argv[1:] if argv is None else argv)
    guides = int(args[0]) if args else 50
    with tempfile.TemporaryDirectory(prefix="verify-docs-loopback-") as scratch:
        tree = generate_tree(Path(scratch), guides, 20)
        row = measure_loopback(tree, f"{guides}x20", 3)
    for line in describe(row, 1.3, lambda met: "met" if met else "MISSED"):
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
