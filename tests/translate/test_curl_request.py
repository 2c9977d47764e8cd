"""build_request's own promises: run options, secrets, file containment, error messages."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from runner.model.errors import DocError
from runner.model.source import Source
from runner.translate.curl.request import build_request, to_request

SOURCE = Source("docs/guide.md", 12)


def test_run_options_are_carried() -> None:
    request = build_request(
        ["curl", "-sSLkfi", "--max-redirs", "3", "-m", "2.5", "--connect-timeout", "1",
         "-o", "out.json", "-w", "%{http_code}", "localhost:3000/x"],
        source=SOURCE,
    )
    assert (request.method, request.url) == ("GET", "http://localhost:3000/x")
    assert request.follow_redirects and request.insecure and request.fail
    assert request.include_headers and not request.head
    assert (request.max_redirects, request.timeout, request.connect_timeout) == (3, 2.5, 1.0)
    assert (request.output_file, request.write_out) == ("out.json", "%{http_code}")


def test_no_forms_switch_options_back_off() -> None:
    argv = ["curl", "-L", "--no-location", "-k", "--no-insecure", "localhost:3000"]
    request = build_request(argv)
    assert not request.follow_redirects and not request.insecure


def test_head_and_fail_with_body() -> None:
    request = build_request(["curl", "-I", "--fail-with-body", "localhost:3000"])
    assert request.head and request.method == "HEAD" and request.fail


def test_basic_credentials_are_secrets() -> None:
    request = build_request(["curl", "-u", "client-id:s3cr3t-value", "localhost:3000"])
    token = base64.b64encode(b"client-id:s3cr3t-value").decode()
    assert ("Authorization", f"Basic {token}") in request.headers
    assert {"s3cr3t-value", token, f"Basic {token}"} <= {s.reveal() for s in request.secrets}
    # Carried as Secrets, and out of the request's repr: printing it shows none of them.
    assert "s3cr3t" not in repr(request) and token not in repr(request)


def test_bearer_and_authorization_values_are_secrets() -> None:
    request = build_request(
        ["curl", "--oauth2-bearer", "tok-1", "-H", "Authorization: Bearer tok-2", "localhost:3000"]
    )
    assert {"tok-1", "Bearer tok-2", "tok-2"} <= {s.reveal() for s in request.secrets}
    # The custom header wins over --oauth2-bearer, as in curl.
    assert [v for n, v in request.headers if n.lower() == "authorization"] == ["Bearer tok-2"]


def test_to_request_sends_exact_headers_and_target() -> None:
    request = to_request("curl -X POST 'localhost:3000/a|b?x=%7e' -H 'x-lower: v'")
    assert request.method == "POST"
    assert request.extensions["target"] == b"/a|b?x=%7e"
    assert request.headers.raw == [
        (b"Host", b"localhost:3000"),
        (b"User-Agent", b"curl/7.88.1"),
        (b"Accept", b"*/*"),
        (b"x-lower", b"v"),
    ]


def test_heredoc_feeds_data_from_stdin(tmp_path: Path) -> None:
    request = to_request("curl -d @- localhost:3000 <<EOF\na=$X\nb=2\nEOF", {"X": "1"})
    assert request.content == b"a=1b=2"


def test_files_are_read_below_the_folder_only(tmp_path: Path) -> None:
    guide = tmp_path / "guide"
    (guide / "data").mkdir(parents=True)
    (guide / "data" / "in.json").write_text('{"a": 1}\n')
    (tmp_path / "outside.txt").write_text("secret")
    (guide / "link.txt").symlink_to(tmp_path / "outside.txt")
    request = build_request(["curl", "--data-binary", "@data/in.json", "localhost:3000"], cwd=guide)
    assert request.body == b'{"a": 1}\n'
    for name in ("@../outside.txt", f"@{tmp_path / 'outside.txt'}", "@link.txt", "@data/../../x"):
        with pytest.raises(DocError, match="guide's folder"):
            build_request(["curl", "-d", name, "localhost:3000"], cwd=guide, source=SOURCE)


def test_errors_name_the_line_and_the_flag() -> None:
    with pytest.raises(DocError) as raised:
        build_request(["curl", "--proxy", "http://p:1", "localhost:3000"], source=SOURCE)
    assert str(raised.value).startswith("docs/guide.md:12: ")
    assert "--proxy" in raised.value.message


def test_unknown_option_suggests_a_near_name() -> None:
    with pytest.raises(DocError, match=r"unknown option --heder \(did you mean --header\?\)"):
        build_request(["curl", "--heder", "X: 1", "localhost:3000"])
    with pytest.raises(DocError, match=r"did you mean --no-silent\?"):
        build_request(["curl", "--no-sil", "localhost:3000"])


def test_ambiguous_prefix_lists_candidates() -> None:
    with pytest.raises(DocError, match=r"--hea: is ambiguous \(--head, --header\)"):
        build_request(["curl", "--hea", "localhost:3000"])


def test_unbound_variable_is_a_doc_error() -> None:
    with pytest.raises(DocError, match=r"\$TOKEN"):
        to_request('curl -H "Authorization: Bearer $TOKEN" localhost:3000')


def test_only_one_curl_command() -> None:
    with pytest.raises(DocError, match="exactly one curl command"):
        to_request("curl localhost:3000 && curl localhost:3000/2")
