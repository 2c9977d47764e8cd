"""What curl prints, judged by the real curl 7.88: the model against its stdout, stderr, file.

Each option combination runs through bash and the real curl against a loopback server that
answers a chosen status, headers and body byte for byte (200 JSON, 201 JSON, 404 and 400
errors, 204 empty, and HEAD). The options are read by the curl translation
(`build_request(...).printing`), and `printed` says what the reader sees: the terminal's
stdout and stderr and the `-o` file. The progress meter varies from run to run: it is set
aside here and judged on a terminal (a pty) below, where a reader sees it.
"""

from __future__ import annotations

import os
import pty
import re
import select
import shlex
import subprocess
import termios
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from runner.translate.curl.printed import Printed, printed, screen
from runner.translate.curl.request import build_request
from tests.translate.answers import ANSWERS, AnswerServer

# Every option that changes what a reader sees, alone and combined as guides combine them.
OPTIONS = [
    "",
    "-s",
    "-sS",
    "-s -o out.json",
    "-o out.json",
    "-s -o /dev/null",
    "-s -o -",
    "-si",
    "-i",
    "-si -o out.json",
    "-sI",
    "-I",
    "--head -s -o out.json",
    "-sf",
    "-f",
    "-sSf",
    "--fail --silent --show-error",
    "-sf -o out.json",
    "-sSf -o out.json",
    "-sif",
    "-sSIf",
    "-sSif -o out.json",
    "--fail-with-body -s",
    "-sS --fail-with-body",
    "--fail-with-body",
    "--fail-with-body -s -o out.json",
    "-si --fail-with-body",
    "-s -w '%{http_code}'",
    "-s -o /dev/null -w '%{http_code}\\n'",
    "-o /dev/null -w '%{http_code}\\n'",
    "-sSf -w '%{http_code}\\n'",
    "-sS --fail-with-body -w '\\n%{http_code}\\n'",
    "-sf -o out.json -w 'status=%{http_code}\\n'",
    "-si -w '%{response_code} %{content_type}\\n'",
    "-sI -w '%{http_code} %{size_download}'",
    "--no-progress-meter -f",
    "-s --no-silent -f",
    "-sf --no-fail",
    "-sS -o /dev/null -f -w '%{http_code}'",
]
# The meter: two heading lines, then rows each started by a carriage return.
_METER = re.compile(rb"  % Total[^\n]*\n[^\n]*Dload +Upload[^\n]*\n|(?:\r[ 0-9.:kMG-]+)+\n?")


# On a terminal curl writes header names in bold: a reader sees the text, not the escapes.
_STYLE = re.compile(rb"\x1b\[[0-9;]*m|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@pytest.fixture(scope="module")
def server() -> Iterator[AnswerServer]:
    with AnswerServer() as answers:
        yield answers


def _env(folder: Path) -> dict[str, str]:
    # No ~/.curlrc, no proxy: the curl a reader runs, with nothing of this machine's.
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(folder),
            "LC_ALL": "C.UTF-8"}


def _real(command: str, folder: Path) -> Printed:
    """The real curl's stdout, stderr (meter aside) and `out.json`, as separate pipes."""
    done = subprocess.run(["bash", "-c", command], cwd=folder, env=_env(folder),
                          capture_output=True, stdin=subprocess.DEVNULL, timeout=30, check=False)
    file = folder / "out.json"
    return Printed(stdout=done.stdout, stderr=_METER.sub(b"", done.stderr),
                   file=file.read_bytes() if file.exists() else None)


def _model(options: str, url: str, name: str, method: str) -> Printed:
    request = build_request(["curl", *shlex.split(options), url])
    answer = ANSWERS[name]
    if request.method == "HEAD":
        answer = replace(answer, body=b"")  # a HEAD answer has its headers only
    return printed(request.printing, replace(answer, method=method))


@pytest.mark.parametrize("name", sorted(ANSWERS))
@pytest.mark.parametrize("options", OPTIONS)
def test_the_model_prints_what_curl_prints(
    server: AnswerServer, tmp_path: Path, options: str, name: str
) -> None:
    url = server.url(name)
    real = _real(f"curl {options} '{url}'", tmp_path)
    method = "HEAD" if "-I" in options or "--head" in options else "GET"
    model = _model(options, url, name, method)
    assert (model.stdout, model.stderr, model.file) == (real.stdout, real.stderr, real.file)


@pytest.mark.parametrize(
    ("options", "name", "body", "headers", "error"),
    [
        ("-s", "missing", True, False, None),
        ("-sf", "missing", False, False, None),
        ("-sSf", "missing", False, False, "curl: (22) The requested URL returned error: 404"),
        ("-sSf", "ok", True, False, None),
        ("-sS --fail-with-body", "refused", True, False,
         "curl: (22) The requested URL returned error: 400"),
        ("-sI", "ok", False, True, None),
        ("-sif", "missing", False, True, None),
    ],
)
def test_the_screen_says_which_parts_are_printed(
    options: str, name: str, body: bool, headers: bool, error: str | None
) -> None:
    seen = screen(build_request(["curl", *shlex.split(options), "localhost:3000"]).printing,
                  ANSWERS[name].status)
    assert (seen.body, seen.headers, seen.error) == (body, headers, error)


# On a reader's terminal: the meter shows only while the answer goes elsewhere, and the
# error line (stderr, unbuffered) comes before what stdout still holds back.
TERMINAL = [
    ("", "ok"),
    ("-o out.json", "ok"),
    ("-o /dev/null -w '%{http_code}\\n'", "created"),
    ("-I", "ok"),
    ("-i", "missing"),
    ("-f", "missing"),
    ("-f -o out.json", "missing"),
    ("--fail-with-body", "missing"),
    ("-sS --fail-with-body -w '\\n%{http_code}\\n'", "refused"),
    ("-sS --fail-with-body -w '\\n%{http_code}\\n'", "missing"),
    ("-sSif -w '%{http_code}\\n'", "missing"),
    ("--no-progress-meter -o out.json", "ok"),
    ("-sS -o out.json", "ok"),
]


def _on_terminal(command: str, folder: Path) -> bytes:
    """What a terminal shows: stdout and stderr on one pty, with no newline translation."""
    leader, follower = pty.openpty()
    attributes = termios.tcgetattr(follower)
    attributes[1] &= ~termios.OPOST
    termios.tcsetattr(follower, termios.TCSANOW, attributes)
    process = subprocess.Popen(["bash", "-c", command], cwd=folder, env=_env(folder),
                               stdin=subprocess.DEVNULL, stdout=follower, stderr=follower)
    os.close(follower)
    shown = b""
    try:
        while select.select([leader], [], [], 30)[0]:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the pty closes with the last writer
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(leader)
        process.wait(timeout=30)
    return shown


@pytest.mark.parametrize(("options", "name"), TERMINAL)
def test_what_a_terminal_shows(
    server: AnswerServer, tmp_path: Path, options: str, name: str
) -> None:
    url = server.url(name)
    shown = _on_terminal(f"curl {options} '{url}'", tmp_path)
    request = build_request(["curl", *shlex.split(options), url])
    model = _model(options, url, name, request.method)
    assert (b"% Total" in shown) is screen(request.printing, ANSWERS[name].status).meter
    assert _STYLE.sub(b"", _METER.sub(b"", shown)) == model.terminal
