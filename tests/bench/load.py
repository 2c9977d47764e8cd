"""The embedded IdP under a burst of connections: N clients connect to it on loopback at once.

The IdP is started as its own process (`python -m fixtures.idp`), as an operator runs it, so
its accept loop does not share an interpreter with the clients. Every client opens a
connection, asks `GET /health` and reads the answer; the run is bounded (a deadline per
connection, the server killed at the end) and prints what the connections saw: answers,
resets, refusals, timeouts, and the elapsed time. Timings live here, never in tests.

`python -m tests.bench.load [--connections N]` runs this part alone.
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

__all__ = ["LoadRun", "main", "run_load"]

REPO = Path(__file__).resolve().parents[2]
CONNECTIONS = 1000
DEADLINE_S = 20.0
"""Per connection: connect, ask, and read the whole answer within this many seconds."""
_START_S = 30.0


@dataclass(frozen=True, slots=True)
class LoadRun:
    """What N concurrent connections saw."""

    connections: int
    outcomes: Counter[str]
    """`answered`, `reset`, `refused`, `timeout`, `bad answer` or `error: <kind>`."""
    elapsed_s: float

    @property
    def answered(self) -> int:
        return self.outcomes["answered"]

    @property
    def resets(self) -> int:
        return self.outcomes["reset"]

    def line(self) -> str:
        """One line for the bench's output."""
        others = ", ".join(
            f"{count} {name}"
            for name, count in sorted(self.outcomes.items())
            if name not in ("answered", "reset")
        )
        verdict = "met" if self.resets == 0 and self.answered == self.connections else "MISSED"
        return (
            f"IdP load: {self.connections} concurrent connections on loopback: "
            f"{self.answered} answered, {self.resets} resets"
            f"{', ' + others if others else ''} in {self.elapsed_s:.2f} s  "
            f"[aim all answered, 0 resets: {verdict}]"
        )


def _raise_fd_limit(wanted: int) -> None:
    # Each connection costs this process one descriptor and the server one more; the server
    # inherits the limit. Raise the soft limit as far as the hard one allows, never lower it.
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = wanted if hard == resource.RLIM_INFINITY else min(wanted, hard)
    if soft != resource.RLIM_INFINITY and soft < target:
        resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))


async def _one(host: str, port: int, start: asyncio.Event) -> str:
    await start.wait()
    writer: asyncio.StreamWriter | None = None
    try:
        async with asyncio.timeout(DEADLINE_S):
            reader, writer = await asyncio.open_connection(host, port)
            writer.write(
                f"GET /health HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n\r\n".encode()
            )
            await writer.drain()
            answer = await reader.read()
        return "answered" if answer.startswith(b"HTTP/1.1 200 ") else "bad answer"
    except ConnectionResetError:
        return "reset"
    except ConnectionRefusedError:
        return "refused"
    except TimeoutError:
        return "timeout"
    except OSError as error:
        return f"error: {type(error).__name__}"
    finally:
        if writer is not None:
            writer.close()


async def _burst(host: str, port: int, connections: int) -> tuple[Counter[str], float]:
    start = asyncio.Event()
    tasks = [asyncio.create_task(_one(host, port, start)) for _ in range(connections)]
    await asyncio.sleep(0)  # every task is waiting on the event: release them together
    began = time.perf_counter()
    start.set()
    outcomes = await asyncio.gather(*tasks)
    return Counter(outcomes), time.perf_counter() - began


def run_load(connections: int = CONNECTIONS) -> LoadRun:
    """Start an IdP on a free loopback port, open `connections` at once, stop the IdP."""
    _raise_fd_limit(2 * connections + 256)
    server = subprocess.Popen(
        [sys.executable, "-m", "fixtures.idp", "--port", "0", "--rate-limit", "0"],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert server.stdout is not None
        # The first line names the address; a server that cannot start ends the pipe.
        first = server.stdout.readline().strip()
        if not first.startswith("AgentIdP listening on "):
            raise RuntimeError(f"the IdP did not start: {first!r}")
        url = urlsplit(first.removeprefix("AgentIdP listening on "))
        assert url.hostname is not None and url.port is not None
        outcomes, elapsed = asyncio.run(_burst(url.hostname, url.port, connections))
        return LoadRun(connections, outcomes, elapsed)
    finally:
        server.terminate()
        try:
            server.wait(timeout=_START_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def main(argv: Sequence[str] | None = None) -> int:
    """Run the load part alone and print its line."""
    parser = argparse.ArgumentParser(prog="python -m tests.bench.load", description=__doc__)
    parser.add_argument(
        "--connections", type=int, default=CONNECTIONS, help=f"default {CONNECTIONS}"
    )
    args = parser.parse_args(argv)
    if args.connections < 1:
        parser.error("--connections must be positive")
    print(run_load(args.connections).line())
    return 0


if __name__ == "__main__":
    sys.exit(main())
