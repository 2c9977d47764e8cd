"""Reading an OpenAPI description: what reaches which operation, and bad files refused with a
`FILE: what` message and exit 2, before anything is sent."""

from __future__ import annotations

import os
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from runner.cli import cli
from runner.coverage import load_openapi
from runner.model import DocError

ROOT = Path(__file__).resolve().parents[2]
GUIDE = ROOT / "tests/coverage/samples/agents.md"


def _spec(tmp_path: Path, text: str, name: str = "api.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return path


def test_a_concrete_path_wins_over_a_template(tmp_path: Path) -> None:
    api = load_openapi(_spec(tmp_path, """\
        openapi: 3.1.0
        paths:
          /token/{kind}: {post: {responses: {'200': {description: x}}}}
          /token/introspect: {post: {operationId: introspect, responses: {'200': {}}}}
        """))
    assert api.operation_for("POST", "/token/introspect").operation_id == "introspect"  # type: ignore[union-attr]
    assert api.operation_for("POST", "/token/other").path == "/token/{kind}"  # type: ignore[union-attr]
    assert api.operation_for("GET", "/token/introspect") is None
    assert api.operation_for("POST", "/token/a/b") is None


def test_server_base_paths_operation_servers_and_swagger_base_path(tmp_path: Path) -> None:
    api = load_openapi(_spec(tmp_path, """\
        openapi: 3.0.0
        servers:
          - url: https://api.example/v2/
          - url: /{stage}/v2
            variables: {stage: {default: beta}}
        paths:
          /a:
            get: {responses: {'200': {}}}
            post:
              servers: [{url: http://other/}]
              responses: {'200': {}}
        """))
    assert api.operation_for("GET", "/v2/a") is not None
    assert api.operation_for("GET", "/beta/v2/a") is not None
    assert api.operation_for("GET", "/a") is None
    assert api.operation_for("POST", "/a") is not None
    assert api.operation_for("POST", "/v2/a") is None
    swagger = load_openapi(_spec(tmp_path, """\
        swagger: '2.0'
        basePath: /api/v1
        paths:
          /agents/{agentId}:
            get:
              responses:
                404:
                  description: x
                  schema: {properties: {code: {enum: [AGENT_NOT_FOUND]}}}
        """, "swagger.yaml"))
    operation = swagger.operation_for("GET", "/api/v1/agents/abc")
    assert operation is not None and operation.responses == ("404",)
    assert swagger.codes == (("code", "AGENT_NOT_FOUND"),)


def test_responses_by_status_range_and_default(tmp_path: Path) -> None:
    api = load_openapi(_spec(tmp_path, """\
        openapi: 3.0.0
        paths:
          /a: {get: {responses: {'200': {}, 4xx: {}, default: {}, x-note: {}}}}
        """))
    operation = api.operations[0]
    assert operation.responses == ("200", "4xx", "default")
    assert [operation.response_for(s) for s in (200, 404, 201, 500)] == [
        "200", "4xx", "default", "default"]


def test_error_codes_through_refs_combinators_and_cycles(tmp_path: Path) -> None:
    api = load_openapi(_spec(tmp_path, """\
        openapi: 3.0.0
        paths:
          /a:
            get:
              responses:
                '400':
                  content:
                    application/json:
                      schema:
                        oneOf:
                          - $ref: '#/components/schemas/Loop'
                          - properties: {error: {type: string, enum: [invalid_request]}}
        components:
          schemas:
            Loop:
              allOf:
                - $ref: '#/components/schemas/Loop'
                - properties:
                    code: {anyOf: [{const: A}, {enum: [B, A, 3]}]}
                    details: {properties: {code: {const: NESTED}}}
        """))
    assert api.codes == (("code", "A"), ("code", "B"), ("error", "invalid_request"))


@pytest.mark.parametrize(("name", "text", "message"), [
    ("api.yaml", "openapi: [3\n  paths: {}\n", "api.yaml:2: not valid YAML"),
    ("api.json", '{"openapi": "3.0.0",\n "paths": }', "api.json:2: not valid JSON"),
    ("api.yaml", "- a list\n", "api.yaml: not an OpenAPI description"),
    ("api.yaml", "title: x\npaths: {}\n", "api.yaml: not an OpenAPI description"),
    ("api.yaml", "openapi: 3.0.0\npaths: [1]\n", "api.yaml: not an OpenAPI description: "
                                                 "`paths` should be a mapping"),
    ("api.yaml", "openapi: 3.0.0\npaths: {}\n", "api.yaml: the OpenAPI description has no "
                                                "operations"),
    ("api.yaml", "openapi: 3.0.0\npaths: {/a: {get: {responses: {$ref: '#/nope'}}}}\n",
     "api.yaml: $ref '#/nope' points at nothing"),
    ("api.yaml", "openapi: 3.0.0\npaths: {/a: {get: 3}}\n",
     "api.yaml: paths: /a: get: expected an operation"),
    ("api.yaml", b"openapi: \xff\n", "api.yaml: not UTF-8 at byte 9, expected an OpenAPI file"),
])
def test_a_bad_file_is_a_clear_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                           name: str, text: str | bytes, message: str) -> None:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    with pytest.raises(DocError) as raised:
        load_openapi(path, name)
    assert str(raised.value).startswith(message)
    outcome = CliRunner().invoke(cli, ["coverage", "--openapi", name, str(GUIDE)])
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith(f"verify-docs: {message}")
    assert "Traceback" not in outcome.output and outcome.stdout == ""  # nothing was run


def test_a_missing_file_or_a_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    outcome = CliRunner().invoke(cli, ["coverage", "--openapi", "nope.yaml", str(GUIDE)])
    assert outcome.exit_code == 2
    assert outcome.stderr.startswith("verify-docs: nope.yaml: no such OpenAPI file (give "
                                     "another with --openapi FILE"), outcome.stderr
    assert outcome.stdout == ""
    # A folder on the command line is click's to refuse; one from the settings is ours.
    outcome = CliRunner().invoke(cli, ["coverage", "--openapi", ".", str(GUIDE)])
    assert outcome.exit_code == 2 and "is a directory" in outcome.stderr
    with pytest.raises(DocError, match=r"^api: is a folder, expected an OpenAPI file"):
        load_openapi(tmp_path, "api")


def test_openapi_from_the_project_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch
                                           ) -> None:
    # `openapi` in [tool.verify-docs] is relative to pyproject.toml, from any folder below it.
    (tmp_path / "pyproject.toml").write_text('[tool.verify-docs]\nopenapi = "api/mini.yaml"\n')
    (tmp_path / "api").mkdir()
    (tmp_path / "api/mini.yaml").write_text(
        (ROOT / "tests/coverage/samples/mini.yaml").read_text())
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs/agents.md").write_text(GUIDE.read_text())
    monkeypatch.chdir(tmp_path / "docs")
    outcome = CliRunner().invoke(cli, ["coverage", "--strict", "agents.md"])
    assert outcome.exit_code == 0, outcome.output
    assert "coverage of ../api/mini.yaml:" in outcome.stdout or \
        f"coverage of {tmp_path}/api/mini.yaml:" in outcome.stdout
    assert "responses   4 of 12 verified (33.3%)" in outcome.stdout
    (tmp_path / "pyproject.toml").write_text('[tool.verify-docs]\nopenapi = ""\n')
    outcome = CliRunner().invoke(cli, ["coverage", "agents.md"])
    assert outcome.exit_code == 2
    assert "openapi should be a non-empty string" in outcome.stderr


def test_a_fifo_is_refused_not_waited_on(tmp_path: Path) -> None:
    # `--openapi` and `--baseline` read as guides are read: a FIFO would block forever.
    fifo = tmp_path / "api.yaml"
    os.mkfifo(fifo)
    outcome = CliRunner().invoke(cli, ["coverage", "--openapi", str(fifo), str(GUIDE)])
    assert outcome.exit_code == 2
    assert "expected an OpenAPI file: not a regular file" in outcome.stderr
    outcome = CliRunner().invoke(cli, ["--baseline", str(fifo), str(GUIDE)])
    assert outcome.exit_code == 2
    assert "expected a JSON report: not a regular file" in outcome.stderr
