"""Isolation, retry policy and configuration: the pieces that make staging runs safe."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runner.config import Config, load_config
from runner.model.errors import DocError
from runner.run.isolation import Isolation, new_run_id
from runner.run.retry import RetryPolicy

ISO = Isolation(tag="r7f3a-1", fields=frozenset({"email"}))


def test_run_ids_are_short_and_distinct() -> None:
    ids = {new_run_id() for _ in range(50)}
    assert len(ids) == 50
    assert all(len(i) == 9 and i.startswith("r") for i in ids)


def test_email_is_tagged_on_the_way_out_and_untagged_on_the_way_back() -> None:
    body = json.dumps({"email": "screener-001@myproject.ai", "owner": "team",
                       "nested": {"email": "x@y.io"}}).encode()
    out = json.loads(ISO.outbound_body(body, "application/json"))
    assert out["email"] == "screener-001+r7f3a-1@myproject.ai"
    assert out["nested"]["email"] == "x+r7f3a-1@y.io"
    assert out["owner"] == "team"
    back = ISO.inbound_text(json.dumps(out))
    assert json.loads(back) == json.loads(body)


def test_form_and_query_fields_are_tagged() -> None:
    assert ISO.outbound_body(b"email=a%40b.io&x=1", "application/x-www-form-urlencoded") == (
        b"email=a%2Br7f3a-1%40b.io&x=1")
    assert ISO.outbound_query("email=a@b.io&page=2") == "email=a%2Br7f3a-1%40b.io&page=2"
    assert ISO.outbound_query("page=2") == "page=2"


def test_a_form_without_unique_fields_keeps_curls_exact_bytes() -> None:
    form = b"grant_type=client_credentials&scope=agents:read audit:read&client_secret=a%2Bb"
    assert ISO.outbound_body(form, "application/x-www-form-urlencoded") == form


def test_bodies_that_are_not_json_or_form_are_left_alone() -> None:
    assert ISO.outbound_body(b"{not json", "application/json") == b"{not json"
    assert ISO.outbound_body(b"email=a@b", "text/plain") == b"email=a@b"


@pytest.mark.parametrize(
    ("method", "status", "retry_after", "attempt", "expected"),
    [
        ("POST", 429, "2", 1, 2.0),      # not applied by the server: any method may retry
        ("POST", 429, "600", 1, None),   # longer than the bound: give up rather than hang
        ("GET", 503, None, 1, "wait"),
        ("POST", 503, None, 1, None),    # may have been applied: never resent
        ("GET", 503, None, 4, None),     # attempts exhausted
        ("GET", 404, None, 1, None),
    ],
)
def test_retry_policy_for_statuses(
    method: str, status: int, retry_after: str | None, attempt: int, expected: object
) -> None:
    wait = RetryPolicy().wait_for_status(method, status, retry_after, attempt)
    if expected == "wait":
        assert wait is not None and 0 < wait <= RetryPolicy().max_wait
    else:
        assert wait == expected


def test_transport_failures_resend_only_what_cannot_have_been_applied() -> None:
    policy = RetryPolicy()
    assert policy.wait_for_failure("POST", sent=False, attempt=1) is not None
    assert policy.wait_for_failure("POST", sent=True, attempt=1) is None
    assert policy.wait_for_failure("GET", sent=True, attempt=1) is not None
    assert RetryPolicy(attempts=1).wait_for_failure("GET", sent=False, attempt=1) is None


def test_config_is_read_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.verify-docs]\npaths = ["guides/"]\nunique-fields = ["email", "owner"]\n'
        'timeout = 5\n')
    (tmp_path / "sub").mkdir()
    config = load_config(tmp_path / "sub")
    # Relative to pyproject.toml's folder, so a run from a subfolder finds the same guides.
    assert config.paths == (str(tmp_path.resolve() / "guides"),)
    assert config.unique_fields == ("email", "owner")
    assert config.timeout == 5.0
    assert config.root == tmp_path.resolve()
    assert config.override(timeout=9.0, target=None).timeout == 9.0


@pytest.mark.parametrize("table", [
    'colour = "red"', 'timeout = "soon"', "paths = 3", "paths = [1]", "timeout = 0",
    "retries = 0", "jobs = 65", "unique-fields = []", 'documented-origin = "localhost:3000"',
    'documented-origin = "https://api.example/v1"', "retry-max-wait = -1", "jobs = true",
])
def test_bad_config_is_a_clear_error(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.verify-docs]\n{table}\n")
    with pytest.raises(DocError) as raised:
        load_config(tmp_path)
    assert "pyproject.toml" in str(raised.value)


def test_no_table_gives_defaults(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'x'\n")
    assert load_config(tmp_path).paths == Config().paths


def test_every_documented_key_is_read(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.verify-docs]\npaths = ["guides/", "more.md"]\ntarget = "http://127.0.0.1:9"\n'
        'documented-origin = "https://api.example.com/"\nunique-fields = ["email"]\n'
        'fixtures = "recipes"\ntimeout = 3\nretries = 2\nretry-max-wait = 1.5\n'
        'step-deadline = 20\njobs = 4\n')
    config = load_config(tmp_path)
    root = tmp_path.resolve()
    assert config.paths == (str(root / "guides"), str(root / "more.md"))
    assert config.fixtures == str(root / "recipes")
    assert (config.target, config.documented_origin) == (
        "http://127.0.0.1:9", "https://api.example.com/")
    assert (config.timeout, config.retries, config.retry_max_wait, config.step_deadline,
            config.jobs) == (3.0, 2, 1.5, 20.0, 4)
    assert config.override(jobs=2, timeout=None).jobs == 2


def test_cleanup_policy_insists_where_steps_give_up() -> None:
    policy = RetryPolicy(attempts=4, max_wait=10)
    assert policy.wait_for_status("DELETE", 429, "3600", 1) is None
    cleanup = policy.for_cleanup(budget=120)
    assert cleanup.attempts == 12 and cleanup.deadline == 120
    # A Retry-After within the cleanup budget is honoured; a longer one is knocked on early.
    assert cleanup.wait_for_status("DELETE", 429, "60", 1) == 60
    assert cleanup.wait_for_status("DELETE", 429, "3600", 1) == 10
    assert cleanup.wait_for_status("DELETE", 429, "2", 11) == 2.0
    assert cleanup.wait_for_status("DELETE", 429, "2", 12) is None
    # Cleanup backs off on every 5xx (its DELETE is idempotent); a step only on 502-504.
    assert cleanup.wait_for_status("DELETE", 500, None, 1, idempotent=True) is not None
    assert policy.wait_for_status("DELETE", 500, None, 1, idempotent=True) is None


def test_inbound_removes_only_whole_tags() -> None:
    iso = Isolation(tag="r7f3a-1", fields=frozenset({"email", "owner"}))
    text = "a+r7f3a-1@x.io b+r7f3a-10@x.io team-r7f3a-1, team-r7f3a-12"
    assert iso.inbound_text(text) == "a@x.io b+r7f3a-10@x.io team, team-r7f3a-12"


def test_untagged_json_bodies_keep_their_bytes_and_empty_values_stay_empty() -> None:
    body = b'{"capabilities":  ["a:b"],\n "owner": "caf\xc3\xa9"}'
    assert ISO.outbound_body(body, "application/json") == body
    tagged = json.loads(ISO.outbound_body(b'{"email": "", "owner": "x"}', "application/json"))
    assert tagged["email"] == ""


def test_tags_never_change_what_the_server_accepts() -> None:
    iso = Isolation(tag="r7f3a-1", fields=frozenset({"email", "owner"}))

    def sent(body: dict[str, str]) -> dict[str, str]:
        out: dict[str, str] = json.loads(iso.outbound_body(json.dumps(body).encode(),
                                                           "application/json"))
        return out

    # No local part: documented as invalid, and a tag would make it valid.
    assert sent({"email": "@probe.io"}) == {"email": "@probe.io"}
    # At the contract's limits, a tag would push the value past them.
    owner, email = "o" * 128, "e" * 246 + "@x.io.com"
    assert sent({"owner": owner, "email": email}) == {"owner": owner, "email": email}
    assert sent({"owner": "o" * 100}) == {"owner": "o" * 100 + "-r7f3a-1"}
