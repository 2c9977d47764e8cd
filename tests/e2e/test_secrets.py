"""No secret reaches any output, in any encoding: terminal, -v, JSON, JUnit, annotations."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli
from tests.leaks import shaped_leaks

GUIDE = Path(__file__).parent / "guides" / "secrets-everywhere.md"


def test_no_secret_in_any_output(tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    env = {"GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": str(summary)}
    report, junit = tmp_path / "r.json", tmp_path / "r.xml"
    outcome = CliRunner(env=env).invoke(
        cli, [str(GUIDE), "-v", "--json", str(report), "--junitxml", str(junit)]
    )
    assert outcome.exit_code == 1, outcome.output  # the introspection is documented wrongly
    outputs = {
        "terminal": outcome.output,
        "json": report.read_text(),
        "junit": junit.read_text(),
        "summary": summary.read_text(),
    }
    # The run really handled secrets (so a silent no-op cannot pass): -v shows the requests.
    assert "/api/v1/token" in outputs["terminal"]
    assert '"active"' in outputs["json"] or "active" in outputs["json"]
    for name, text in outputs.items():
        assert shaped_leaks(text) == [], name


def test_a_secret_lowercased_in_a_host_name_is_masked(tmp_path: Path) -> None:
    report = tmp_path / "r.json"
    guide = GUIDE.parent / "secret-in-host.md"
    outcome = CliRunner().invoke(cli, [str(guide), "-v", "--json", str(report)])
    assert outcome.exit_code == 2, outcome.output
    assert "refused" in outcome.output and ".example.com" in outcome.output
    for name, text in {"terminal": outcome.output, "json": report.read_text()}.items():
        assert shaped_leaks(text) == [], name


def test_a_multipart_field_named_like_a_secret_is_masked(tmp_path: Path) -> None:
    guide = tmp_path / "multipart.md"
    guide.write_text(
        "```bash\nexport PW=hunter2-correct-horse\n"
        "curl -s -X POST http://localhost:3000/api/v1/token \\\n"
        '  -F grant_type=client_credentials -F client_id=x -F "password=$PW"\n```\n\n'
        "Multipart is refused (`400 Bad Request`).\n")
    report = tmp_path / "r.json"
    outcome = CliRunner().invoke(cli, [str(guide), "-v", "--json", str(report)])
    assert outcome.exit_code == 0, outcome.output
    assert "password" in outcome.output  # -v shows the multipart body that was sent
    for text in (outcome.output, report.read_text()):
        assert "hunter2-correct-horse" not in text
