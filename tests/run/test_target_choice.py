"""The target is the one the command line or the config names, never one from the environment."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.run.target import EmbeddedTarget, UrlTarget, make_target

GUIDE = Path(__file__).parents[1] / "e2e" / "guides" / "clean-register.md"
# Nothing listens on the discard port: a run sent there fails, and the token would go with it.
_ELSEWHERE = {"VERIFY_DOCS_TARGET": "http://127.0.0.1:9", "IDP_BOOTSTRAP_TOKEN": "tok-abc12"}


def test_no_environment_variable_turns_a_plain_run_into_a_url_run(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in _ELSEWHERE.items():
        monkeypatch.setenv(name, value)
    assert isinstance(make_target(None), EmbeddedTarget)
    assert isinstance(make_target(""), EmbeddedTarget)
    assert isinstance(make_target(None, environ=_ELSEWHERE), EmbeddedTarget)


def test_a_named_url_still_reads_the_bootstrap_token() -> None:
    target = make_target("http://127.0.0.1:9", environ=_ELSEWHERE)
    assert isinstance(target, UrlTarget)
    session = target.open()
    assert session.bootstrap_token is not None
    assert session.bootstrap_token.reveal() == "tok-abc12"
    # Carried as a Secret: printing the session (a crash's locals, a debug line) hides it.
    assert "tok-abc12" not in repr(session) and "tok-abc12" not in str(session)
    assert "tok-abc12" in session.secrets


def test_a_plain_run_stays_embedded_whatever_the_environment_holds() -> None:
    outcome = CliRunner().invoke(cli, [str(GUIDE)], env=_ELSEWHERE)
    assert outcome.exit_code == 0, outcome.output
    assert "127.0.0.1:9" not in outcome.output
