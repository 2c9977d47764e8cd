"""The curl translation against the real curl 7.88: both send to one echo server, compared.

Every command is written against the documented origin `localhost:3000`; the test points it
at a loopback echo server, runs it through bash and the real curl (the oracle only), sends
`to_request(command)` through httpx, and compares what arrives: method, request target,
headers in order, body bytes (multipart boundaries and framing headers aside).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import httpx
import pytest

from runner.model.errors import DocError
from runner.translate.curl.request import to_request
from tests.translate.echo import EchoServer, Received, comparable, run_real_curl

ORIGIN = "localhost:3000"
CURL = shutil.which("curl")
# No skip when curl is missing: test_curl_corpus fails loudly instead (the oracle must be here).

ENV = {"TOKEN": "tok-123", "ENDPOINT": "agents", "FLAGS": "-s -d x"}

# Commands the real curl sends and the translation must reproduce exactly.
SAME: dict[str, str] = {
    "bare-host": "curl localhost:3000",
    "scheme-and-path": "curl http://localhost:3000/api/v1/agents",
    "dot-segments": "curl -s 'http://localhost:3000/a/../b/./c?x=1&y=%20'",
    "fragment-dropped": 'curl "http://localhost:3000/path?q=1#fragment"',
    "upper-scheme": "curl 'HTTP://localhost:3000/Upper'",
    "host-case-kept": "curl 'http://LocalHost:3000/Path'",
    "percent-path": "curl 'localhost:3000/caf%C3%A9?x=%2F&y=%7e'",
    "non-ascii-path": "curl 'localhost:3000/café/x'",
    "empty-brackets": "curl 'localhost:3000/list?item[]=1&item[]=2'",
    "odd-chars": "curl 'localhost:3000/a|b\\c?q=\"^`'",
    "delete": "curl -X DELETE http://localhost:3000/agents/1",
    "attached-method": "curl -XPATCH localhost:3000/p -d 'a=1'",
    "method-as-written": "curl --request wHat localhost:3000",
    "get-with-body": "curl -X GET localhost:3000 -d x",
    "post-no-body": "curl -X POST localhost:3000",
    "headers": (
        'curl -H \'X-One: 1\' -H "X-Two:2" --header \'Accept: application/json\' '
        "localhost:3000"
    ),
    "attached-header": "curl -HX-Attached:yes localhost:3000",
    "remove-defaults": "curl -H 'Accept:' -H 'User-Agent:' localhost:3000",
    "empty-header": "curl -H 'X-Empty;' -H 'X-Also-Empty;' localhost:3000",
    "ignored-headers": "curl -H 'X-Trail;  ' -H 'NoColon' -H 'Y;z' localhost:3000",
    "custom-host": "curl -H 'Host: example.test' -H 'X: 1' localhost:3000",
    "header-case-kept": "curl -H 'content-type: text/plain' -H 'x-lower: v' -d 'b' localhost:3000",
    "agent-referer-cookie": (
        "curl -A 'agent/1.0' -e http://ref.example/ -b 'a=1; b=2' "
        "localhost:3000"
    ),
    "referer-auto": (
        "curl --referer 'http://r.example/;auto' --cookie x=y --cookie z=w "
        "localhost:3000"
    ),
    "empty-agent": "curl --user-agent '' -e '' -b '' localhost:3000",
    "custom-beats-flags": (
        "curl -A a -H 'User-Agent: b' -b c=1 -H 'Cookie: d=2' -e r -H 'Referer: s' localhost:3000"
    ),
    "basic-auth": "curl -u alice:s3cret localhost:3000",
    "basic-empty-user": "curl --user ':only-password' localhost:3000",
    "basic-empty-password": "curl --user 'bob:' localhost:3000",
    "bearer": "curl --oauth2-bearer tok123 localhost:3000",
    "bearer-beats-basic": "curl -u a:b --oauth2-bearer t localhost:3000",
    "custom-authorization": "curl -u a:b -H 'Authorization: Custom x' localhost:3000",
    "data-joined": "curl -d 'name=a b' -d 'x=1' localhost:3000/form",
    "data-family": "curl --data 'a=1' --data-ascii 'b=2' --data-raw '@c' localhost:3000",
    "data-at-file-strips": "curl -d @data.txt localhost:3000",
    "data-binary-file-keeps": "curl --data-binary @data.txt localhost:3000",
    "data-raw-no-file": "curl --data-raw @data.txt localhost:3000",
    "data-empty": "curl -d '' localhost:3000",
    "data-binary-empty": 'curl --data-binary "" localhost:3000',
    "urlencode-forms": (
        "curl --data-urlencode 'q=hello world&more' --data-urlencode '=a+b' "
        "--data-urlencode 'plain text' --data-urlencode 'k=v=w' localhost:3000"
    ),
    "urlencode-files": (
        "curl --data-urlencode 'name@data.txt' --data-urlencode '@data.txt' "
        "localhost:3000"
    ),
    "json": "curl --json '{\"a\": 1}' localhost:3000/json",
    "json-concatenated": "curl --json '{\"a\":' --json ' 1}' localhost:3000",
    "json-file-and-accept": "curl --json @body.json -H 'Accept: text/plain' localhost:3000",
    "data-then-json": "curl -d a --json '{}' -d b localhost:3000",
    "json-content-type-custom": (
        "curl -H 'Content-Type: application/vnd+json' --json 1 "
        "localhost:3000"
    ),
    "content-type-custom": (
        'curl -H \'Content-Type: application/json\' -d \'{"k": "v"}\' '
        "localhost:3000"
    ),
    "get-data": "curl -G -d 'q=1' -d 'r=2' 'localhost:3000/search?x=y'",
    "get-urlencode": "curl --get --data-urlencode 'q=a b' localhost:3000/search",
    "get-hex-lowered": "curl -G -d 'a=%Ab' 'localhost:3000/p?k=%AB'",
    "get-method-override": "curl -G -X POST -d a=1 localhost:3000",
    "get-drops-url-query": "curl -G -d d --url-query u 'localhost:3000/p?x'",
    "url-query": (
        "curl --url-query 'a=b c' --url-query '+raw=%41' --url-query 'plain' "
        "localhost:3000/q"
    ),
    "url-query-file": "curl --url-query 'k@data.txt' 'localhost:3000/q?x=1'",
    "url-query-empty-query": "curl --url-query u 'localhost:3000/x?'",
    "form": "curl -F 'name=value' -F 'file=@upload.txt' localhost:3000/upload",
    "form-type-filename": (
        "curl -F 'doc=@body.json;type=application/json;filename=renamed.json' "
        "--form-string 'literal=@not-a-file;type=x' localhost:3000"
    ),
    "form-content-quoted-guessed": (
        "curl -F 'text=<upload.txt' -F 'q=\"quoted;value\"' -F 'image=@pic.PNG' -F 'raw=@blob.bin' "
        "localhost:3000"
    ),
    "form-custom-type": (
        "curl --form 'a=1;type=text/plain' -H 'Content-Type: multipart/form-data' "
        "localhost:3000"
    ),
    "form-related": "curl -H 'X: 1' -H 'Content-Type: multipart/related' -F a=1 localhost:3000",
    "form-spaced-file": "curl -F 'f=@\"name with space.txt\"' -F '=noname' -F 'e=' localhost:3000",
    "form-put": "curl -F 'a=1' -F 'b=2' -X PUT localhost:3000",
    "form-ignores-get": "curl -G -F a=1 localhost:3000",
    "head": "curl -I localhost:3000",
    "head-get-data": "curl --head -G -d a=1 localhost:3000",
    "get-data-then-head": "curl -G -d a=1 -I localhost:3000",
    "get-upload": "curl -G -T upload.txt localhost:3000/",
    "upload-into-folder": "curl -T upload.txt localhost:3000/files/",
    "upload-spaced-name": "curl -T 'name with space.txt' localhost:3000/",
    "upload-empty-ignored": "curl -T '' localhost:3000",
    "upload-post": "curl --upload-file upload.txt -X POST localhost:3000/put",
    "cluster": "curl -sSLkfi localhost:3000",
    "cluster-with-value": "curl -sXPUT -HX:y -dz localhost:3000",
    "run-options": "curl -sS -o out.txt -w '%{http_code}' -m 5 --connect-timeout 2 localhost:3000",
    "more-switches": (
        "curl -v --compressed --fail-with-body --no-progress-meter --max-redirs 3 "
        "localhost:3000"
    ),
    "compressed-custom": "curl --compressed -H 'Accept-Encoding: identity' localhost:3000",
    "url-option": "curl --url localhost:3000/by-url",
    "globoff": "curl -g 'localhost:3000/a/{x}/[1]?q={y}&f[a]=1' -N",
    "globoff-long": "curl --globoff --no-buffer 'localhost:3000/list?filter[owner]=team'",
    "prefixes": "curl --sil --inc --oauth2 t localhost:3000",
    "case-insensitive": "curl --SILENT --Request POST localhost:3000",
    "no-forms": "curl --no-location --no-silent -s --no-compressed localhost:3000",
    "double-dash": "curl -s -- localhost:3000",
    "content-length-custom": "curl -H 'Content-Length: 0' -X POST localhost:3000",
    "variables": 'curl "localhost:3000/$ENDPOINT" -H "Authorization: Bearer ${TOKEN}"',
    "default-value": 'curl -d "id=${MISSING:-fallback}" localhost:3000',
    "field-splitting": "curl $FLAGS localhost:3000",
    "ansi-c-quote": "curl $'localhost:3000/tab' -d $'a\\tb\\nc'",
    "continuations": "curl -s localhost:3000 \\\n  -H 'X: 1' \\\n  -d 'z'",
    "assignment-before": 'BASE=http://localhost:3000 && curl "$BASE/v1"',
    "prefix-assignment": 'TOKEN=other curl -H "X-Token: $TOKEN" localhost:3000',
    "heredoc-data": "curl -d @- localhost:3000 <<EOF\nline one\nline $TOKEN\nEOF",
    "heredoc-binary": "curl --data-binary @- localhost:3000 <<'EOF'\n{\"a\": \"$NOT\"}\nEOF",
    "heredoc-upload": "curl -T - localhost:3000/up <<EOF\nstreamed\nEOF",
    "pipe-into-jq": "curl -s localhost:3000/j | jq .",
    "form-name-escaped": "curl -F 'a\"b=1' -F 'c=@upload.txt;filename=x\"y.txt' localhost:3000",
    "form-from-stdin": (
        "curl -F 'a=@-' -F 'b=<upload.txt;filename=n.txt' localhost:3000 "
        "<<EOF\nin\nEOF"
    ),
    "form-type-params": (
        "curl -F 'a=@upload.txt;type=text/x;charset=utf-8' -F 'b=v;unknown=1' "
        "-F 'c=@body.json;filename=shown.txt' localhost:3000"
    ),
    "form-part-headers": "curl -F 'a=v;headers=\"X-Part: 1\"' localhost:3000",
    "expect-large-body": "curl -d @big.txt localhost:3000",
    "expect-suppressed": "curl -T upload.txt -H 'Expect:' localhost:3000/",
    "combination": "curl -d 'a=1' -X PUT -u u:p -H 'X: y' --compressed -A ua localhost:3000",
    # Found by the adversarial table (test_curl_adversarial), fixed against the real curl.
    "get-empty-data-empty-query": "curl -G -d '' 'localhost:3000/x?'",
    "get-empty-data": "curl -G -d '' localhost:3000/x",
    "url-query-empty": "curl --url-query '' localhost:3000/x",
    "query-ends-in-amp": "curl --url-query b 'localhost:3000/x?a=1&'",
    "get-data-fragment": "curl -G -d 'a=1#b' localhost:3000/x",
    "get-data-only-fragment": "curl -G -d '#frag' 'localhost:3000/x?q=1'",
    "url-query-raw-fragment": "curl --url-query '+a#b' localhost:3000/x",
    "urlencode-empty-file": "curl -d a --data-urlencode 'x@empty.txt' -d b localhost:3000",
    "upload-empty-no-expect": "curl -T empty.txt localhost:3000/files/",
    "host-name-spelled": "curl -H 'host: lower.example' -H 'X: 1' localhost:3000",
    "chunked-custom-data": "curl -H 'Transfer-Encoding: chunked' -d abc localhost:3000",
    "chunked-custom-form": "curl -H 'Transfer-Encoding: chunked' -F a=b localhost:3000",
    "one-slash-scheme": "curl 'http:/localhost:3000/x'",
    "three-slash-scheme": "curl 'HTTP:///localhost:3000/x?q#f'",
    "form-type-removed": "curl -F a=b -H 'Content-Type:' localhost:3000",
    "form-type-emptied": "curl -F a=b -H 'Content-Type;' localhost:3000",
    "ansi-c-unicode": "curl -d $'caf\\u00e9' localhost:3000",
    "header-leading-blanks": "curl -H 'X-Tab:\t v' -A ' ua' localhost:3000",
}

# Commands the real curl refuses before sending anything: the translation refuses as well,
# naming what is wrong.
REFUSED: dict[str, tuple[str, str]] = {
    "data-and-form": ("curl -d a -F b=1 localhost:3000", "POST (-d, --data)"),
    "head-and-data": ("curl -I -d a localhost:3000", "HEAD (-I, --head)"),
    "upload-and-data": ("curl -T upload.txt -d a localhost:3000", "PUT (-T, --upload-file)"),
    "head-and-form": ("curl -I -F a=1 localhost:3000", "multipart formpost (-F, --form)"),
    "no-head-and-data": ("curl --no-head -d a localhost:3000", "GET (-G, --get)"),
    "get-data-and-upload": ("curl -G -d a -T upload.txt localhost:3000", "PUT (-T"),
    "get-data-and-form": ("curl -d a -G -F b=1 localhost:3000", "GET (-G, --get)"),
    "head-then-no-head": ("curl -I --no-head localhost:3000", "HEAD (-I, --head)"),
    "ambiguous": ("curl --co localhost:3000", "--co: is ambiguous"),
    "ambiguous-loc": ("curl --loc localhost:3000", "--loc: is ambiguous"),
    "unknown-long": ("curl --foo localhost:3000", "unknown option --foo"),
    "unknown-short": ("curl -W localhost:3000", "-W"),
    "unknown-in-cluster": ("curl -sW localhost:3000", "-sW"),
    "no-on-value-option": ("curl --no-data x localhost:3000", "isn't a boolean"),
    "no-needs-exact-name": ("curl --no-loc localhost:3000", "unknown option --no-loc"),
    "equals-form": ("curl --data=x localhost:3000", "--data=x"),
    "space-in-get-url": ("curl -G -d 'a b' localhost:3000", "bad/illegal"),
    "space-in-url": ("curl 'localhost:3000/a b'", "bad/illegal"),
    "space-in-url-query": ("curl --url-query '+a b' localhost:3000", "bad/illegal"),
    "form-without-equals": ("curl -F novalue localhost:3000", "-F"),
    "form-missing-file": ("curl -F 'f=@missing.bin' localhost:3000", "missing.bin"),
    "missing-value": ("curl localhost:3000 -H", "requires parameter"),
    "no-url": ("curl -s", "no URL"),
    "glob-range": ("curl 'localhost:3000/?a[0]=1'", "globbing"),
    "no-host": ("curl ':3000/x'", "no host"),
    "scheme-four-slashes": ("curl 'http:////localhost:3000/x'", "too many slashes"),
    "scheme-like-host": ("curl 'localhost:/x'", "unsupported protocol 'localhost'"),
}

# Commands curl accepts but the design leaves out: a clear refusal naming the construct.
OUTSIDE: dict[str, tuple[str, str]] = {
    "digest": ("curl --digest -u a:b localhost:3000", "--digest"),
    "proxy": ("curl -x http://127.0.0.1:9 localhost:3000", "-x"),
    "cookie-file": ("curl -b cookies.txt localhost:3000", "cookies.txt"),
    "user-without-password": ("curl -u alice localhost:3000", "no password"),
    "several-urls": ("curl localhost:3000 localhost:3000/2", "several URLs"),
    "header-file": ("curl -H @headers.txt localhost:3000", "-H '@headers.txt'"),
    "file-above": ("curl -d @../secret.txt localhost:3000", "outside the guide's folder"),
    "file-absolute": ("curl -d @/etc/hostname localhost:3000", "outside the guide's folder"),
    "non-ascii-query": ("curl 'localhost:3000/?q=é'", "non-ASCII"),
    "credentials-in-url": ("curl 'http://u:pw-9@localhost:3000/'", "credentials in the URL"),
    "http2": ("curl --http2 localhost:3000", "--http2"),
    "host-removed": ("curl -H 'Host:' localhost:3000", "Host"),
    "stdin-without-heredoc": ("curl -d @- localhost:3000", "standard input"),
    "empty-method": ("curl -X '' localhost:3000", "-X ''"),
    "other-scheme": ("curl ftp://localhost:3000/", "unsupported protocol"),
    "glob-set": ("curl 'localhost:3000/{a,b}'", "globbing"),
    "two-commands": ("curl localhost:3000; curl localhost:3000", "exactly one curl"),
    # curl sends trailing blanks as they are; h11 (httpx) refuses to put them on the wire.
    "trailing-blank-header": ("curl -H 'X: a  ' localhost:3000", "ends in whitespace"),
    "trailing-blank-agent": ("curl -A 'ua ' localhost:3000", "ends in whitespace"),
    "empty-bearer": ("curl --oauth2-bearer '' localhost:3000", "--oauth2-bearer ''"),
    "chunked-no-body": ("curl -H 'Transfer-Encoding: chunked' localhost:3000", "chunked"),
    "chunked-capital": ("curl -H 'Transfer-Encoding: Chunked' -d a localhost:3000", "Chunked"),
}


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The guide's folder: the files the commands name, and a secret one level above it."""
    root = tmp_path_factory.mktemp("guide")
    (root.parent / "secret.txt").write_text("above the guide")
    base = root / "docs"
    base.mkdir()
    (base / "data.txt").write_bytes(b"a=1\r\nb=two words\n\nc=3\n")
    (base / "upload.txt").write_bytes(b"uploaded\ncontent\n")
    (base / "body.json").write_bytes(b'{"from": "file"}\n')
    (base / "name with space.txt").write_bytes(b"spaced\n")
    (base / "pic.PNG").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    (base / "blob.bin").write_bytes(bytes(range(256)))
    (base / "empty.txt").write_bytes(b"")
    (base / "big.txt").write_bytes(b"x" * (1024 * 1024 + 1))  # curl adds Expect over 1 MiB
    return base


def _local(command: str, echo: EchoServer) -> str:
    # The documented origin becomes the echo server; `LocalHost` keeps its case (curl does).
    port = echo.hostport.rsplit(":", 1)[1]
    return command.replace(ORIGIN, echo.hostport).replace("LocalHost:3000", f"LocalHost:{port}")


def real_curl(command: str, folder: Path, echo: EchoServer) -> tuple[int, list[Received]]:
    """What the real curl sends for the command written against the documented origin."""
    return run_real_curl(_local(command, echo), folder, echo, ENV)


def translated(
    command: str, folder: Path, echo: EchoServer, client: httpx.Client
) -> list[Received]:
    """What `to_request(command)` sends through httpx."""
    client.send(to_request(_local(command, echo), ENV, cwd=folder))
    return echo.take()


def test_enough_distinct_commands() -> None:
    commands = [*SAME.values(), *(c for c, _ in REFUSED.values())]
    assert len(set(commands)) >= 60


@pytest.mark.parametrize("command", SAME.values(), ids=SAME.keys())
def test_sends_what_curl_sends(
    command: str, folder: Path, echo: EchoServer, client: httpx.Client
) -> None:
    status, real = real_curl(command, folder, echo)
    assert len(real) == 1, f"the real curl sent {len(real)} requests (exit {status})"
    ours = translated(command, folder, echo, client)
    assert [comparable(r) for r in ours] == [comparable(r) for r in real]


@pytest.mark.parametrize(("command", "named"), REFUSED.values(), ids=REFUSED.keys())
def test_refuses_where_curl_refuses(
    command: str, named: str, folder: Path, echo: EchoServer
) -> None:
    status, real = real_curl(command, folder, echo)
    assert status != 0 and real == [], "the real curl does not refuse this"
    with pytest.raises(DocError) as raised:
        to_request(_local(command, echo), ENV, cwd=folder)
    assert named in raised.value.message


@pytest.mark.parametrize(("command", "named"), OUTSIDE.values(), ids=OUTSIDE.keys())
def test_refuses_outside_the_flag_set(
    command: str, named: str, folder: Path, echo: EchoServer
) -> None:
    with pytest.raises(DocError) as raised:
        to_request(_local(command, echo), ENV, cwd=folder)
    assert named in raised.value.message
    assert echo.take() == []


@pytest.mark.parametrize("command", ["curl -u Sup3rPassw0rdZZ localhost:3000",
                                     "curl 'http://admin:Sup3rPassw0rdZZ@localhost:3000/'"])
def test_a_refused_credential_is_not_quoted_back(command: str, folder: Path) -> None:
    with pytest.raises(DocError) as raised:
        to_request(command, ENV, cwd=folder)
    assert "Sup3rPassw0rdZZ" not in raised.value.message
