"""What a new user meets first: `--help`, `--version`, the README's commands, `make`."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from importlib.metadata import version
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from runner.cli import cli

ROOT = Path(__file__).resolve().parents[2]
GUIDE = Path(__file__).parent / "guides" / "clean-register.md"


def _help(*args: str) -> str:
    outcome = CliRunner().invoke(cli, list(args), prog_name="verify-docs")
    assert outcome.exit_code == 0, outcome.output
    return outcome.output


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_help_lists_the_run_options_with_the_subcommands(flag: str) -> None:
    text = _help(flag)
    run = cli.commands["run"]
    for param in run.params:
        if isinstance(param, click.Option):
            for name in param.opts + param.secondary_opts:
                assert re.search(rf"(^|[\s,/]){re.escape(name)}\b", text, re.M), name
    commands = text[text.index("Commands:"):]
    for name in cli.commands:
        assert re.search(rf"^  {name}\s", commands, re.M), name
    assert "--version" in text
    assert "Usage: verify-docs [OPTIONS] [PATHS]..." in text
    # The documented exit statuses are part of the help, as before.
    for status in ("0", "1", "2", "3", "4", "5", "130"):
        assert re.search(rf"^\s+{status}  \w", text, re.M), status


def test_every_option_the_readme_shows_is_in_the_help() -> None:
    """Each option a README command line shows is in the help of the command it is given to
    (`verify-docs coverage --fail-under 40` in `verify-docs coverage --help`)."""
    readme = (ROOT / "README.md").read_text()
    shown: dict[str, set[str]] = {}
    blocks = re.findall(r"^```sh\n(.*?)^```", readme, re.M | re.S)
    for line in "".join(blocks).splitlines():
        command = line.split("#", 1)[0]
        found = re.search(r"(^|\s)verify-docs\s+(\w+)?", command)
        if found is None:
            continue
        sub = found.group(2) if found.group(2) in cli.commands else ""
        if sub != "serve":
            shown.setdefault(sub, set()).update(
                re.findall(r"(?<![\w-])(--?[a-z][\w-]*)", command))
    flags = {flag for group in shown.values() for flag in group}
    assert {"--lint", "-k", "--json", "--target"} <= flags  # the README still shows them
    missing = []
    for sub, group in sorted(shown.items()):
        text = _help(sub, "--help") if sub else _help("--help")
        missing += [f"{sub or 'run'} {flag}" for flag in sorted(group - {"--help", "--version"})
                    if not re.search(rf"(^|[\s,/]){re.escape(flag)}\b", text, re.M)]
    assert not missing, f"README shows options --help does not list: {missing}"


def test_version_prints_the_installed_version() -> None:
    outcome = CliRunner().invoke(cli, ["--version"])
    assert outcome.exit_code == 0, outcome.output
    assert outcome.output == f"verify-docs, version {version('verify-docs')}\n"


def test_the_installed_command_answers_version_and_help() -> None:
    # The console script itself, as a user calls it from .venv/bin.
    command = Path(sys.executable).with_name("verify-docs")
    assert command.exists(), f"no {command}: run `make setup`"
    done = subprocess.run([str(command), "--version"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert (done.returncode, done.stderr) == (0, "")
    assert done.stdout.strip() == f"verify-docs, version {version('verify-docs')}"
    done = subprocess.run([str(command), "--help"], capture_output=True, text=True,
                          timeout=60, check=False)
    assert done.returncode == 0 and "--lint" in done.stdout and "serve" in done.stdout


def test_paths_and_options_still_go_to_run() -> None:
    outcome = CliRunner().invoke(cli, [str(GUIDE), "--lint"])
    assert outcome.exit_code == 0, outcome.output
    assert "run [OPTIONS]" in _help("run", "--help")


def test_an_unknown_option_is_a_usage_error() -> None:
    outcome = CliRunner().invoke(cli, ["--no-such-option"])
    assert outcome.exit_code == 2
    assert "No such option" in outcome.output and "Traceback" not in outcome.output


def test_the_readme_starts_with_the_two_commands() -> None:
    readme = (ROOT / "README.md").read_text()
    first_block = readme.split("```sh\n", 1)[1].split("```", 1)[0]
    title, rest = readme.split("\n", 1)
    assert title == "# verify-docs" and rest.lstrip("\n").startswith("```sh\n")
    assert [line.split()[:2] for line in first_block.splitlines()] == [
        ["make", "verify-docs"], ["make", "test"]]


# The Makefile, read by make itself (-n prints what would run, running nothing).

def _make(folder: Path, *args: str) -> str:
    done = subprocess.run(["make", "-n", *args], cwd=folder, capture_output=True, text=True,
                          timeout=60, check=False,
                          env={k: v for k, v in os.environ.items() if not k.startswith("MAKE")})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    """A fresh clone's Makefile and pyproject.toml, with no .venv yet."""
    if shutil.which("make") is None:
        pytest.fail("make is not installed: the project's set-up needs it")
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    os.utime(tmp_path / "pyproject.toml", (1_000_000_000, 1_000_000_000))
    return tmp_path


def test_make_verify_docs_installs_only_the_runtime_dependencies(clone: Path) -> None:
    plan = _make(clone, "verify-docs")
    installs = [line for line in plan.splitlines() if "pip install" in line]
    assert any(re.search(r"install --quiet -e \.$", line) for line in installs), plan
    assert "[dev]" not in plan
    assert ".venv/bin/verify-docs --strict" in plan


@pytest.mark.parametrize("target", ["test", "lint", "bench", "setup"])
def test_the_dev_targets_install_the_dev_extra(clone: Path, target: str) -> None:
    assert "-e '.[dev]'" in _make(clone, target)


def test_make_test_after_make_verify_docs_still_installs_the_dev_extra(clone: Path) -> None:
    venv = clone / ".venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").touch()
    (venv / ".installed-runtime").touch()  # what `make verify-docs` left
    assert "pip install" not in _make(clone, "verify-docs")
    assert "-e '.[dev]'" in _make(clone, "test")
    (venv / ".installed-dev").touch()  # and what `make test` left: nothing more to install
    assert "pip install" not in _make(clone, "test")
    assert "pip install" not in _make(clone, "verify-docs")


def test_make_verify_docs_passes_args_on(clone: Path) -> None:
    plan = _make(clone, "verify-docs", "ARGS=--lint -k token")
    assert ".venv/bin/verify-docs --strict --lint -k token" in plan
