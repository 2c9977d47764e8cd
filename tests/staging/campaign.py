"""A fault campaign: many staging runs through the fault proxy, each one audited on the IdP.

Run with `python -m tests.staging.campaign --runs 60` (not part of the test suite). Every run
verifies `docs/` and the clean-register guide against `verify-docs serve --rate-limit 0`
through a `FaultProxy` with random faults per request, sometimes interrupted (SIGINT or
SIGTERM), sometimes with `-n 2`/`-n 4`, sometimes two runs at once. After each run the IdP is
counted: agents the run left active, agents registered twice, requests that may have been
applied and were sent again, secrets in any output, and the exit status against the design.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

from tests.staging.proxy import Fault, FaultProxy

__all__ = ["Outcome", "Scenario", "main"]

ROOT = Path(__file__).resolve().parents[2]
GUIDES = ("docs", "tests/e2e/guides/clean-register.md")
TAG = re.compile(r"\+(r[0-9a-z]+)-(\d+)@")
JWT = re.compile(r"eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}")
SK = re.compile(r"sk_live_[0-9a-f]{64}")
LOGS: Path | None = None
"""Where the outputs of runs with problems are kept (`--logs`)."""
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})
PROFILES = {
    # name: (weight, {action: probability per request})
    "none": (3, {}),
    "latency": (2, {}),
    "429": (3, {"429": 0.12, "429-long": 0.01}),
    "503": (3, {"503": 0.08}),
    "drop": (3, {"drop": 0.05, "drop-early": 0.04}),
    "hang": (2, {"hang": 0.03, "hang-after": 0.03}),
    "mixed": (4, {"429": 0.05, "503": 0.03, "drop": 0.02, "drop-early": 0.02,
                  "hang": 0.01, "hang-after": 0.01}),
}


@dataclass(frozen=True, slots=True)
class Scenario:
    """What one run is put through."""

    number: int
    profile: str
    jobs: int | None
    signal: str | None
    signal_after: float
    verbose: bool
    seed: int
    paired: bool = False


@dataclass
class Outcome:
    """What one run did, and what the audit found wrong with it."""

    scenario: Scenario
    returncode: int
    expected: str
    elapsed: float
    faults: Counter[str]
    retries: int
    leftovers: int = 0
    duplicates: int = 0
    resent: int = 0
    leaks: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class Idp:
    """The served IdP, counted directly (never through the proxy)."""

    def __init__(self, url: str, token: str) -> None:
        self.url, self.token = url, token
        parsed = httpx.URL(url)
        self.address = (parsed.host, parsed.port or 80)
        self._client = httpx.Client(headers={"Authorization": f"Bearer {token}"}, timeout=30)

    def agents(self) -> list[dict[str, Any]]:
        """Every agent on the server, decommissioned ones included."""
        out: list[dict[str, Any]] = []
        page = 1
        while True:
            response = self._client.get(f"{self.url}/api/v1/agents",
                                        params={"page": page, "limit": 100})
            response.raise_for_status()
            data = response.json()["data"]
            out.extend(data)
            if len(data) < 100:
                return out
            page += 1

    def decommission(self, agent_id: str) -> None:
        """Tidy up after a run that left an agent (so later runs stay independent)."""
        self._client.delete(f"{self.url}/api/v1/agents/{agent_id}")


@contextmanager
def served() -> Iterator[Idp]:
    """`verify-docs serve --port 0 --rate-limit 0`, stopped afterwards."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "runner", "serve", "--port", "0", "--rate-limit", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().split()[-1]
        token = proc.stdout.readline().strip().split("=", 1)[1]
        yield Idp(url, token)
    finally:
        proc.terminate()
        proc.communicate(timeout=10)


def random_decider(profile: str, rng: random.Random) -> Callable[[int, str, str], str]:
    """Per request: forward, or one of the profile's faults (429s come in bursts)."""
    odds = PROFILES[profile][1]
    burst = [0]

    def decide(number: int, method: str, path: str) -> str:
        if burst[0] > 0:
            burst[0] -= 1
            return "429"
        roll = rng.random()
        for action, chance in odds.items():
            if roll < chance:
                if action == "429":
                    burst[0] = rng.randint(0, 2)
                return action
            roll -= chance
        return "forward"

    return decide


@dataclass
class Running:
    """A run in flight: its process, proxy, files and signal timer."""

    scenario: Scenario
    proc: subprocess.Popen[str]
    proxy: FaultProxy
    folder: Path
    started: float
    signalled: threading.Event
    timer: threading.Thread


def launch(scenario: Scenario, idp: Idp, stack: ExitStack, timeout: float) -> Running:
    """Start one run behind its own fault proxy, with its signal timer armed."""
    rng = random.Random(scenario.seed)
    latency = rng.choice((0.0, 0.01, 0.05)) if scenario.profile != "none" else 0.0
    if scenario.profile == "latency":
        latency = rng.choice((0.05, 0.1, 0.2))
    fault = Fault(latency=latency, decide=random_decider(scenario.profile, rng),
                  retry_after=rng.choice(("0", "1", "1", "2")))
    proxy = stack.enter_context(FaultProxy(idp.address, fault))
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory()))
    argv = [sys.executable, "-m", "runner", *GUIDES, "--target", proxy.url,
            "--json", str(folder / "report.json"), "--junitxml", str(folder / "junit.xml"),
            "--timeout", str(timeout)]
    if scenario.jobs:
        argv += ["-n", str(scenario.jobs)]
    if scenario.verbose:
        argv.append("-v")
    env = {k: v for k, v in os.environ.items() if k not in ("GITHUB_ACTIONS", "NO_COLOR")}
    env["IDP_BOOTSTRAP_TOKEN"] = idp.token
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            cwd=ROOT, env=env)
    signalled = threading.Event()

    def fire() -> None:
        time.sleep(scenario.signal_after)
        if scenario.signal and proc.poll() is None:
            signalled.set()
            proc.send_signal(signal.SIGINT if scenario.signal == "INT" else signal.SIGTERM)

    timer = threading.Thread(target=fire, daemon=True)
    timer.start()
    return Running(scenario, proc, proxy, folder, time.monotonic(), signalled, timer)


def finish(running: Running, idp: Idp, baseline: set[tuple[str, int]], documented: str,
           bound: float) -> Outcome:
    """Wait for the run, then audit its exit status, the IdP and every output."""
    scenario, proc = running.scenario, running.proc
    problems: list[str] = []
    try:
        out, err = proc.communicate(timeout=bound)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, err = proc.communicate()
        problems.append(f"still running after {bound:.0f} s: killed")
    elapsed = time.monotonic() - running.started
    running.timer.join()
    fault = running.proxy.fault
    faults = Counter(action for _, _, action in fault.seen if action != "forward")
    report_path, junit_path = running.folder / "report.json", running.folder / "junit.xml"
    report_text = report_path.read_text() if report_path.exists() else ""
    junit_text = junit_path.read_text() if junit_path.exists() else ""
    report = json.loads(report_text) if report_text else {}
    steps = [(g["path"], s) for g in report.get("guides", []) for s in g["steps"]]
    retries = sum(len(s.get("retries", [])) for _, s in steps)
    outcome = Outcome(scenario, proc.returncode, "", elapsed, faults, retries,
                      problems=problems)
    SEEN[scenario.number] = len(fault.seen)
    if "Traceback" in out + err:
        problems.append("traceback in output")
    _judge_status(outcome, running.signalled.is_set(), report, steps, baseline)
    if outcome.expected != "130" and proc.returncode in (0, 1) and _must_show(fault):
        problems.append(f"exit {proc.returncode} although a fault no retry may absorb was "
                        "injected (expected 3)")
    _count_on_idp(outcome, fault, idp)
    outcome.leaks = _leaks(idp.token, fault, documented,
                           {"stdout": out, "stderr": err, "json": report_text,
                            "junit": junit_text})
    problems.extend(f"secret in {where}" for where in outcome.leaks)
    if problems and LOGS is not None:
        LOGS.mkdir(parents=True, exist_ok=True)
        stem = LOGS / f"run-{scenario.number:03}"
        stem.with_suffix(".out").write_text(out)
        stem.with_suffix(".err").write_text(err)
        stem.with_suffix(".json").write_text(report_text)
        stem.with_suffix(".proxy").write_text(
            "\n".join(f"{m} {p} {a}" for m, p, a in fault.seen))
    return outcome


def _judge_status(outcome: Outcome, signalled: bool, report: dict[str, Any],
                  steps: list[tuple[str, dict[str, Any]]], baseline: set[tuple[str, int]]
                  ) -> None:
    rc, problems = outcome.returncode, outcome.problems
    injected = sum(outcome.faults.values())
    finished = bool(report) and not any(s.get("reason") == "interrupted" for _, s in steps)
    if signalled and rc >= 0 and rc != 130 and finished:
        # The signal landed as the run was ending, after its last step: too late to
        # interrupt anything, so the run's own status stands (judged below).
        signalled = False
    if signalled:
        outcome.expected = "130"
        if rc != 130:
            problems.append(f"interrupted: exit {rc}, expected 130")
        if not report:
            early = " before any request" if not outcome.faults and not _any(outcome) else ""
            problems.append(f"interrupted{early}: no JSON report written")
        return
    failed = {(s.get("path", path), s["line"]) for path, s in steps if s["status"] == "failed"}
    unexpected = failed - baseline
    if rc == 3:
        outcome.expected = "3"
        if not injected:
            problems.append("exit 3 without any fault injected")
    elif rc == 1:
        outcome.expected = "0/1 (baseline)"
        if unexpected:
            shown = ", ".join(f"{p}:{line}" for p, line in sorted(unexpected))
            what = "a target fault reported as a doc failure" if injected else "interference"
            problems.append(f"exit 1 ({what}): {shown}")
    elif rc == 0:
        outcome.expected = "0"
    else:
        outcome.expected = "0/1/3"
        problems.append(f"exit {rc}, not a designed status")
    if rc in (0, 1) and any(s["status"] == "error" for _, s in steps):
        problems.append(f"exit {rc} although a step is in error")


_CLEANUP_DELETE = re.compile(r"/agents/[0-9a-f-]{36}$")
_UNABSORBABLE = frozenset({"503", "drop", "drop-early", "hang", "hang-after"})


def _must_show(fault: Fault) -> bool:
    """A fault on a request that may not be resent (cleanup's DELETEs aside), or a 429 whose
    Retry-After is beyond any bound: the run must end with exit 3."""
    for method, path, action in fault.seen:
        if method == "DELETE" and _CLEANUP_DELETE.search(path):
            continue  # maybe the cleanup's, which insists
        if action == "429-long" and not path.startswith("/api/v1/agents?"):
            return True
        if action in _UNABSORBABLE and method not in SAFE:
            return True
    return False


def _any(outcome: Outcome) -> bool:
    return bool(outcome.scenario and SEEN.get(outcome.scenario.number))


SEEN: dict[int, int] = {}
"""Requests each run sent through its proxy, by run number."""


def _count_on_idp(outcome: Outcome, fault: Fault, idp: Idp) -> None:
    run_ids = {m.group(1) for f in fault.forwarded for m in TAG.finditer(f.body.decode())}
    emails: Counter[tuple[str, str]] = Counter()
    for agent in idp.agents():
        match = TAG.search(agent["email"])
        if match is None or match.group(1) not in run_ids:
            continue
        tag = f"{match.group(1)}-{match.group(2)}"
        emails[(tag, TAG.sub("@", agent["email"]))] += 1
        if agent["status"] != "decommissioned":
            outcome.leftovers += 1
            idp.decommission(agent["agentId"])
    outcome.duplicates = sum(n - 1 for n in emails.values() if n > 1)
    applied: set[tuple[str, str, bytes]] = set()
    for request in fault.forwarded:
        key = (request.method, request.path, request.body)
        if key in applied and request.method not in SAFE and request.method != "DELETE":
            outcome.resent += 1
        if request.action in ("drop", "hang-after"):
            applied.add(key)
    if outcome.leftovers:
        outcome.problems.append(f"{outcome.leftovers} agent(s) left active")
    if outcome.duplicates:
        outcome.problems.append(f"{outcome.duplicates} agent(s) registered twice")
    if outcome.resent:
        outcome.problems.append(f"{outcome.resent} applied request(s) sent again")


def _leaks(token: str, fault: Fault, documented: str, outputs: dict[str, str]) -> list[str]:
    secrets = {token, *fault.secrets}
    for agent_id in fault.agent_ids:
        for secret in fault.secrets:
            pair = f"{agent_id}:{secret}".encode()
            secrets.add(base64.b64encode(pair).decode())
            secrets.add(base64.urlsafe_b64encode(pair).decode())
    found = []
    for where, text in outputs.items():
        shapes = {m for m in JWT.findall(text) + SK.findall(text) if m not in documented}
        if shapes or any(secret in text for secret in secrets):
            found.append(where)
    return found


def scenarios(count: int, rng: random.Random) -> list[Scenario]:
    """`count` random scenarios; about one in five is paired with the next one."""
    names = list(PROFILES)
    weights = [PROFILES[name][0] for name in names]
    out: list[Scenario] = []
    for number in range(1, count + 1):
        sig = rng.choice((None, None, None, "INT", "TERM"))
        paired = bool(out) and not out[-1].paired and rng.random() < 0.2
        if paired:
            out[-1] = Scenario(**{**_fields(out[-1]), "paired": True})
        out.append(Scenario(number=number, profile=rng.choices(names, weights)[0],
                            jobs=rng.choice((None, None, 2, 4)), signal=sig,
                            signal_after=rng.uniform(0.2, 3.0), verbose=rng.random() < 0.5,
                            seed=rng.randrange(1 << 30), paired=paired))
    return out


def _fields(scenario: Scenario) -> dict[str, Any]:
    return {name: getattr(scenario, name) for name in Scenario.__slots__}


def baseline_failures(idp: Idp) -> set[tuple[str, int]]:
    """Steps that fail on this shared server with no fault at all (serial and -n 4)."""
    failed: set[tuple[str, int]] = set()
    for jobs in ((), ("-n", "4")):
        with tempfile.TemporaryDirectory() as folder:
            report = Path(folder) / "r.json"
            subprocess.run([sys.executable, "-m", "runner", *GUIDES, "--target", idp.url,
                            "--json", str(report), *jobs], capture_output=True, cwd=ROOT,
                           env={**os.environ, "IDP_BOOTSTRAP_TOKEN": idp.token}, check=False)
            data = json.loads(report.read_text())
        failed |= {(s.get("path", g["path"]), s["line"]) for g in data["guides"]
                   for s in g["steps"] if s["status"] == "failed"}
    return failed


def documented_text() -> str:
    """Every guide and fixture: documented example values are not secrets."""
    files = [*(ROOT / "docs").rglob("*.md"), *(ROOT / "fixtures").glob("*.md"),
             ROOT / GUIDES[1]]
    return "\n".join(path.read_text(encoding="utf-8") for path in files)


def print_table(outcomes: list[Outcome]) -> None:
    """One line a run, then the totals."""
    print(f"{'#':>3} {'profile':8} {'-n':>2} {'sig':4} {'pair':4} {'rc':>4} {'expect':14} "
          f"{'secs':>5} {'faults':>6} {'retry':>5} {'left':>4} {'dup':>3} {'resent':>6} "
          f"{'leaks':5} problems")
    for o in outcomes:
        s = o.scenario
        print(f"{s.number:>3} {s.profile:8} {s.jobs or 1:>2} {s.signal or '-':4} "
              f"{'yes' if s.paired else '-':4} {o.returncode:>4} {o.expected:14} "
              f"{o.elapsed:5.1f} {sum(o.faults.values()):>6} {o.retries:>5} "
              f"{o.leftovers:>4} {o.duplicates:>3} {o.resent:>6} {len(o.leaks):5} "
              f"{'; '.join(o.problems) or 'ok'}")
    bad = [o for o in outcomes if o.problems]
    statuses = Counter(o.returncode for o in outcomes)
    print(f"\nruns {len(outcomes)}, clean {len(outcomes) - len(bad)}, with problems {len(bad)}; "
          f"exit statuses {dict(sorted(statuses.items()))}")
    print(f"agents left active {sum(o.leftovers for o in outcomes)}, duplicates "
          f"{sum(o.duplicates for o in outcomes)}, applied requests resent "
          f"{sum(o.resent for o in outcomes)}, runs leaking secrets "
          f"{sum(1 for o in outcomes if o.leaks)}, "
          f"statuses not as designed {sum(1 for o in outcomes if _status_problem(o))}")


def _status_problem(outcome: Outcome) -> bool:
    return any(p.startswith(("exit", "interrupted", "still running", "traceback"))
               for p in outcome.problems)


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print its table; exit 1 when any run had a problem."""
    parser = argparse.ArgumentParser(prog="python -m tests.staging.campaign")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=1.5,
                        help="--timeout given to each run (hangs end through it)")
    parser.add_argument("--bound", type=float, default=180.0,
                        help="seconds a run may take before it counts as hung")
    parser.add_argument("--logs", type=Path, default=None,
                        help="keep the outputs of every run with a problem in this folder")
    args = parser.parse_args(argv)
    global LOGS
    LOGS = args.logs
    seed = args.seed if args.seed is not None else random.randrange(1 << 30)
    print(f"campaign seed {seed}", flush=True)
    rng = random.Random(seed)
    documented = documented_text()
    outcomes: list[Outcome] = []
    with served() as idp:
        baseline = baseline_failures(idp)
        print(f"baseline failures on a shared server: {sorted(baseline)}", flush=True)
        plan = scenarios(args.runs, rng)
        index = 0
        while index < len(plan):
            group = plan[index:index + 2] if plan[index].paired else plan[index:index + 1]
            index += len(group)
            with ExitStack() as stack:
                running = [launch(s, idp, stack, args.timeout) for s in group]
                for item in running:
                    outcome = finish(item, idp, baseline, documented, args.bound)
                    outcomes.append(outcome)
                    print(f"run {outcome.scenario.number}: {outcome.scenario.profile} "
                          f"rc={outcome.returncode} {outcome.elapsed:.1f}s "
                          f"{'; '.join(outcome.problems) or 'ok'}", flush=True)
    print()
    print_table(outcomes)
    return 1 if any(o.problems for o in outcomes) else 0


if __name__ == "__main__":
    sys.exit(main())
