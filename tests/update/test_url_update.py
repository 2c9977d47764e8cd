"""`--update` against a URL target (`verify-docs serve` on loopback): the values sent carry
the run's tag, and no tag ever reaches the guide."""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
REGISTER = ROOT / "docs" / "developers" / "guides" / "register-an-agent.md"
VERIFY_DOCS = [sys.executable, "-m", "runner"]


def _project(root: Path, drifted: str) -> Path:
    """A project under `root` holding the drifted register guide (and the fixture recipes)."""
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    shutil.copytree(ROOT / "fixtures", root / "fixtures",
                    ignore=shutil.ignore_patterns("idp", "*.py", "*.yaml", "__pycache__"))
    guide = root / REGISTER.relative_to(ROOT)
    guide.parent.mkdir(parents=True)
    guide.write_text(drifted)
    return guide


def _verifier(guide: Path, url: str, token: str
              ) -> Callable[..., subprocess.CompletedProcess[str]]:
    """`verify-docs --strict GUIDE --target URL ...` with the served token."""
    env = {**os.environ, "IDP_BOOTSTRAP_TOKEN": token}

    def verify(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run([*VERIFY_DOCS, "--strict", str(guide), "--target", url, *args],
                              capture_output=True, text=True, timeout=120, env=env, cwd=ROOT)

    return verify


def test_no_run_tag_reaches_the_guide(served_unlimited: tuple[str, str], tmp_path: Path
                                      ) -> None:
    url, token = served_unlimited
    original = REGISTER.read_text()
    # The unique fields themselves drift: the real ones went out tagged and came back so.
    # In the answer to the registration, not in its request.
    at = original.index("The AgentIdP answers `201 Created`")
    answer = original[at:].replace('  "email": "invoice-extractor@acme-corp.com",',
                                   '  "email": "someone-else@acme-corp.com",', 1)
    answer = answer.replace('  "owner": "finance-automation",\n  "deploymentEnv": "staging"',
                            '  "owner": "finance",\n  "deploymentEnv": "staging"', 1)
    drifted = original[:at] + answer
    assert drifted.count("someone-else") == 1 and '"owner": "finance",' in drifted
    guide = _project(tmp_path, drifted)
    verify = _verifier(guide, url, token)

    first = verify("--update")
    assert first.returncode == 1, first.stdout + first.stderr
    written = guide.read_text()
    assert not re.search(r"[+-]r[0-9a-f]{8}-[0-9]+", written)
    assert token not in written
    assert written == original
    second = verify()
    assert second.returncode == 0, second.stdout + second.stderr


def test_diff_reruns_in_memory_under_fresh_numbers(served_unlimited: tuple[str, str],
                                                   tmp_path: Path) -> None:
    # The registration documented as `200 OK` holds every later step back; the rounds run
    # the updated text again on the same target, so a guide number used before would meet
    # its own agent (409). --diff prints what --update then writes, and writes nothing.
    url, token = served_unlimited
    original = REGISTER.read_text()
    drifted = original.replace("The AgentIdP answers `201 Created`",
                               "The AgentIdP answers `200 OK`", 1)
    at = drifted.index("The answer is `200 OK` and the same record:")
    drifted = drifted[:at] + drifted[at:].replace('"deploymentEnv": "staging"',
                                                  '"deploymentEnv": "production"', 1)
    guide = _project(tmp_path, drifted)
    verify = _verifier(guide, url, token)

    shown = verify("--diff")
    assert shown.returncode == 1, shown.stdout + shown.stderr
    assert guide.read_text() == drifted
    patch = shown.stdout[shown.stdout.index("--- a/"):]
    assert '+  "deploymentEnv": "staging",' in patch, patch
    assert "409" not in patch and not re.search(r"[+-]r[0-9a-f]{8}-[0-9]+", patch)
    assert token not in patch
    written = verify("--update")
    assert written.returncode == 1, written.stdout + written.stderr
    assert guide.read_text() == original
    assert patch == "".join(difflib.unified_diff(
        drifted.splitlines(keepends=True), original.splitlines(keepends=True),
        f"a/{guide}", f"b/{guide}"))
    second = verify()
    assert second.returncode == 0, second.stdout + second.stderr
