"""curlconverter's 108 real-world commands: the translation matches the real curl or refuses.

Each command goes to a loopback echo server twice, through bash and the real curl 7.88 and
through `to_request`. Inside the design's flag set what arrives must be identical; outside
it the translation must refuse with a DocError naming the flag or construct. The share of
exact matches is printed; matches plus clear refusals must be at least 95 %.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from runner.model.errors import DocError
from runner.translate.curl.request import to_request
from tests.translate.echo import EchoServer, comparable, run_real_curl

# curlconverter's fixtures (MIT, see its LICENSE), kept in the repository so CI always has them.
CORPUS = Path(__file__).resolve().parent / "corpus" / "curlconverter"
FILES = sorted(CORPUS.glob("*.sh"))


def test_the_oracle_and_the_corpus_are_here() -> None:
    # A missing curl or corpus must fail the suite, never quietly skip the comparison.
    assert shutil.which("curl") is not None, "the real curl is the oracle: install curl"
    assert len(FILES) == 108, f"expected curlconverter's 108 commands in {CORPUS}"

# Words a message may share with any command without naming anything in particular.
_GENERIC = {"curl", "curl:", "the", "a", "is", "in", "of", "not", "supported"}


@dataclass(frozen=True, slots=True)
class Outcome:
    """How one corpus command fared: matched, refused (with the message), or differed."""

    kind: str
    detail: str


def _rewrite(text: str, echo: EchoServer) -> str:
    """Every host the commands would reach, pointed at loopback (tests never leave it)."""
    text = re.sub(r"localhost:(28139|8888)", echo.hostport, text)
    text = text.replace("httpbin.org/test", f"{echo.hostport}/test")
    return re.sub(r"\b(?!127\.)\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}:\d+", "127.0.0.1:9", text)


def _names_something(message: str, command: str) -> bool:
    """A clear refusal quotes the flag, value or construct it refuses from the command."""
    tokens = re.split(r"[\s,;()`]+", message)
    words = {t.strip("'\"?.:") for t in tokens} | {t.strip("'\"?.") for t in tokens}
    return any(len(w) > 1 and w.lower() not in _GENERIC and w in command for w in words)


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    folder = tmp_path_factory.mktemp("corpus")
    results: dict[str, Outcome] = {}
    with EchoServer() as echo, httpx.Client(trust_env=False, timeout=10) as client:
        for path in FILES:
            command = _rewrite(path.read_text(), echo)
            status, real = run_real_curl(command, folder, echo)
            try:
                request = to_request(command, {}, cwd=folder)
            except DocError as error:
                clear = _names_something(error.message, command)
                results[path.name] = Outcome("refused" if clear else "unclear", error.message)
                continue
            client.send(request)
            ours = echo.take()
            same = len(real) == 1 and [comparable(r) for r in ours] == [comparable(r) for r in real]
            detail = f"curl exit {status}\nreal: {[comparable(r) for r in real]}\n" + (
                f"ours: {[comparable(r) for r in ours]}"
            )
            results[path.name] = Outcome("match" if same else "differ", detail)
        yield results


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.stem)
def test_command_matches_or_is_refused_clearly(path: Path, outcomes: dict[str, Outcome]) -> None:
    outcome = outcomes[path.name]
    assert outcome.kind in ("match", "refused"), f"{outcome.kind}: {outcome.detail}"


def test_share(outcomes: dict[str, Outcome], capsys: pytest.CaptureFixture[str]) -> None:
    total = len(outcomes)
    kinds = [o.kind for o in outcomes.values()]
    matched, refused = kinds.count("match"), kinds.count("refused")
    with capsys.disabled():
        print(
            f"\ncurlconverter corpus: {matched}/{total} ({matched / total:.0%}) match the real "
            f"curl, {refused} refused clearly, {total - matched - refused} otherwise"
        )
    assert total == 108
    assert (matched + refused) / total >= 0.95
