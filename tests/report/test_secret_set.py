"""SecretSet masks a secret in every encoding it travels in; Secret never prints itself."""

from __future__ import annotations

import base64
import json
import re
import threading
from collections.abc import Callable
from urllib.parse import quote, quote_plus

import pytest

from runner.secrets.masking import (
    MASK,
    Secret,
    SecretSet,
    is_secret_name,
    is_secret_variable,
    mask_headers,
    mask_shapes,
)

# Every character class that an encoding changes: `/`, `+`, space, quote, backslash, non-ASCII.
SECRET = 'sk_live_4f/a+b c"d\\é'
CLIENT_ID = "agent-7f3a"
JWT = (
    "eyJhbGciOiJSUzI1NiIsInR5cCI6IkpXVCJ9."
    "eyJzdWIiOiJhZ2VudC03ZjNhIiwiZXhwIjoxNzAwMDAwMDAwfQ."
    "c2lnbmF0dXJlLWJ5dGVzLWhlcmUtbG9uZy1lbm91Z2g"
)

ENCODINGS: dict[str, Callable[[str], str]] = {
    "raw": lambda s: s,
    "quote": lambda s: quote(s, safe=""),
    "quote-default-safe": quote,
    # Some encoders write percent escapes in lowercase.
    "quote-lowercase-hex": lambda s: re.sub(r"%[0-9A-F]{2}", lambda m: m[0].lower(),
                                            quote(s, safe="")),
    "quote_plus": quote_plus,
    "plus-for-space": lambda s: s.replace(" ", "+"),
    "json-escaped": lambda s: json.dumps(s)[1:-1],
    "json-escaped-unicode": lambda s: json.dumps(s, ensure_ascii=False)[1:-1],
    "base64": lambda s: base64.b64encode(s.encode()).decode(),
    "base64-urlsafe-unpadded": lambda s: base64.urlsafe_b64encode(s.encode()).decode().rstrip("="),
}


def _basic(user: str, password: str, *, urlsafe: bool = False, padded: bool = True) -> str:
    encode = base64.urlsafe_b64encode if urlsafe else base64.b64encode
    text = encode(f"{user}:{password}".encode()).decode()
    return text if padded else text.rstrip("=")


@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_every_encoding_of_a_secret_is_masked(encoding: str) -> None:
    secrets = SecretSet([SECRET])
    encoded = ENCODINGS[encoding](SECRET)
    text = f"before {encoded} after"
    assert SECRET not in text or encoding == "raw"
    assert secrets.mask(text) == f"before {MASK} after"


@pytest.mark.parametrize(("urlsafe", "padded"), [(False, True), (False, False), (True, True),
                                                 (True, False)])
def test_basic_credentials_are_masked_in_base64(urlsafe: bool, padded: bool) -> None:
    secrets = SecretSet()
    secrets.add_basic(CLIENT_ID, SECRET)
    header = f"Authorization: Basic {_basic(CLIENT_ID, SECRET, urlsafe=urlsafe, padded=padded)}"
    assert secrets.mask(header) == f"Authorization: Basic {MASK}"


def test_basic_id_and_secret_are_masked_decoded_too() -> None:
    secrets = SecretSet()
    secrets.add_basic(CLIENT_ID, SECRET)
    text = f"client_id={quote_plus(CLIENT_ID)}&client_secret={quote_plus(SECRET)}"
    assert secrets.mask(text) == f"client_id={MASK}&client_secret={MASK}"
    assert secrets.mask(f"{CLIENT_ID}:{SECRET}") == MASK


def test_basic_with_form_encoded_credentials() -> None:
    # RFC 6749 2.3.1: the id and secret are form-encoded before base64.
    secrets = SecretSet()
    secrets.add_basic(CLIENT_ID, SECRET)
    encoded = _basic(quote_plus(CLIENT_ID), quote_plus(SECRET))
    assert secrets.mask(encoded) == MASK


def test_a_short_secret_the_user_gave_is_masked_whatever_its_length() -> None:
    # IDP_BOOTSTRAP_TOKEN=abc12 showed in the -v URL: a short secret is still a secret.
    secrets = SecretSet(["abc12", "x"])
    assert secrets.mask("/agents?token=abc12&k=x") == f"/agents?token={MASK}&k={MASK}"
    secrets = SecretSet()
    secrets.add_basic("id", "pw")
    assert secrets.mask(f"id pw {_basic('id', 'pw')}") == f"{MASK} {MASK} {MASK}"


def test_short_values_guessed_from_names_are_not_registered() -> None:
    secrets = SecretSet()
    secrets.collect_from_json({"token": "abc", "password": "12345"})
    secrets.collect_from_form("client_secret=ab1")
    secrets.collect_from_headers([("Cookie", "session=abc"), ("X-Api-Token", "t1")])
    assert len(secrets) == 0
    assert secrets.mask("abc 12345 ab1 t1") == "abc 12345 ab1 t1"


@pytest.mark.parametrize("secret", ["pässwörd", 'quo"te\\back/slash', SECRET])
@pytest.mark.parametrize("ascii_only", [True, False])
def test_a_secret_escaped_in_json_inside_json_is_masked(secret: str, ascii_only: bool) -> None:
    secrets = SecretSet([secret])
    once = json.dumps(secret, ensure_ascii=ascii_only)[1:-1]
    twice = json.dumps(once)[1:-1]
    thrice = json.dumps(twice)[1:-1]
    assert secrets.mask(f"a {twice} b {thrice} c") == f"a {MASK} b {MASK} c"
    assert secrets.mask(twice.replace("/", "\\/")) == MASK


def test_longest_secret_wins() -> None:
    secrets = SecretSet(["abcdef", "abcdefghij"])
    assert secrets.mask("x abcdefghij y abcdef z") == f"x {MASK} y {MASK} z"


def test_jwts_are_masked_without_registration() -> None:
    assert SecretSet().mask(f"token={JWT}&x=1") == f"token={MASK}&x=1"
    assert mask_shapes(f'"{JWT}"') == f'"{MASK}"'


def test_a_shortened_documented_jwt_is_not_a_jwt() -> None:
    assert mask_shapes("eyJhbGciOi...") == "eyJhbGciOi..."
    assert mask_shapes("eyJhbGciOi…") == "eyJhbGciOi…"


def test_secret_type_never_prints_its_value() -> None:
    secret = Secret(SECRET)
    assert str(secret) == MASK
    assert SECRET not in repr(secret)
    assert f"{secret}" == MASK
    assert f"{secret:>5}" == f"{MASK:>5}"
    assert secret.reveal() == SECRET
    assert secret == Secret(SECRET) and secret != Secret("other-value")
    assert SECRET not in repr([secret]) and SECRET not in repr({"k": secret})
    secrets = SecretSet([secret])
    assert secret in secrets and SECRET in secrets
    assert secrets.mask(SECRET) == MASK


def test_mask_headers_keeps_the_scheme() -> None:
    masked = dict(mask_headers([
        ("Authorization", f"Bearer {JWT}"),
        ("Proxy-Authorization", f"Basic {_basic(CLIENT_ID, SECRET)}"),
        ("authorization", "opaque-token-without-scheme"),
        ("Cookie", "sid=abc123; theme=dark"),
        ("Set-Cookie", "sid=abc123; Path=/; HttpOnly"),
        ("X-Api-Key", "k-1234567"),
        ("Content-Type", "application/json"),
        ("X-Echo", f"jwt {JWT}"),
    ]))
    assert masked["Authorization"] == f"Bearer {MASK}"
    assert masked["Proxy-Authorization"] == f"Basic {MASK}"
    assert masked["authorization"] == MASK
    assert masked["Cookie"] == f"sid={MASK}; theme={MASK}"
    assert masked["Set-Cookie"] == f"sid={MASK}; Path=/; HttpOnly"
    assert masked["X-Api-Key"] == MASK
    assert masked["Content-Type"] == "application/json"
    assert masked["X-Echo"] == f"jwt {MASK}"


def test_mask_headers_applies_the_set_to_other_headers() -> None:
    secrets = SecretSet([SECRET])
    masked = mask_headers([("Location", f"/cb?s={quote_plus(SECRET)}")], secrets)
    assert masked == (("Location", f"/cb?s={MASK}"),)


@pytest.mark.parametrize("name", ["access_token", "refresh_token", "token", "clientSecret",
                                  "client_secret", "password", "newPassword", "BOOTSTRAP_TOKEN",
                                  "CLIENT_SECRET", "api-key", "client_assertion", "id_token"])
def test_secret_names(name: str) -> None:
    assert is_secret_name(name)


@pytest.mark.parametrize("name", ["token_type", "tokenEndpoint", "expires_in", "clientId",
                                  "secretId", "name", "scope", "AGENT_ID"])
def test_public_names(name: str) -> None:
    assert not is_secret_name(name)


@pytest.mark.parametrize(("name", "secret"), [
    ("CLIENT_SECRET", True), ("TOKEN", True), ("TOKEN_OLD", True), ("SECRET_2", True),
    ("ADMIN_PASSWORD", True), ("API_KEY", True), ("AGENT_ID", False), ("EMAIL", False),
])
def test_variables_are_secret_when_their_name_says_so_anywhere(name: str, secret: bool) -> None:
    # A variable's name is the writer's: `TOKEN_OLD` holds a token as surely as `TOKEN`.
    assert is_secret_variable(name) is secret
    assert not is_secret_name("TOKEN_OLD")  # a field named so would be left visible


def test_collect_from_json_walks_nested_values() -> None:
    secrets = SecretSet()
    secrets.collect_from_json({
        "access_token": "at-0123456789",
        "token_type": "Bearer",
        "expires_in": 3600,
        "credential": {"clientSecret": "cs-0123456789", "clientId": "client-42"},
        "items": [{"refresh_token": "rt-0123456789"}],
        "password": 12345678,
    })
    text = "at-0123456789 cs-0123456789 rt-0123456789 Bearer client-42 3600"
    assert secrets.mask(text) == f"{MASK} {MASK} {MASK} Bearer client-42 3600"


def test_collect_from_form() -> None:
    secrets = SecretSet()
    secrets.collect_from_form(f"grant_type=client_credentials&client_secret={quote_plus(SECRET)}"
                              "&client_id=agent-7f3a")
    assert SECRET in secrets
    assert "agent-7f3a" not in secrets
    assert "client_credentials" not in secrets


def test_collect_from_headers_decodes_basic() -> None:
    secrets = SecretSet()
    secrets.collect_from_headers([("Authorization", f"Basic {_basic(CLIENT_ID, SECRET)}"),
                                  ("Cookie", "sid=session-0123456")])
    assert SECRET in secrets and CLIENT_ID in secrets and "session-0123456" in secrets
    assert secrets.mask(f"{CLIENT_ID} {quote(SECRET, safe='')}") == f"{MASK} {MASK}"


def test_collect_from_headers_bearer() -> None:
    secrets = SecretSet()
    secrets.collect_from_headers([("Authorization", "Bearer opaque-access-token")])
    assert secrets.mask("opaque-access-token") == MASK


def test_a_guide_view_feeds_the_run_set_and_stays_its_own() -> None:
    run = SecretSet(["bootstrap-0123456"])
    first, second = run.scoped(), run.scoped()
    first.add("bootstrap-0123456")
    first.add("first-guide-secret")
    second.add_basic("agent-7f3a", "second-pass word")
    # Each guide masks what it knows; the run masks what any guide learned, Basic pair too.
    assert first.mask("bootstrap-0123456 first-guide-secret") == f"{MASK} {MASK}"
    assert second.mask("first-guide-secret") == "first-guide-secret"
    basic = base64.b64encode(b"agent-7f3a:second-pass word").decode()
    assert run.mask(f"first-guide-secret {basic} second-pass%20word") == f"{MASK} {MASK} {MASK}"
    assert "bootstrap" not in repr(run) and "first-guide" not in repr(first)


def test_the_run_set_may_be_fed_from_many_threads() -> None:
    run = SecretSet()
    views = [run.scoped() for _ in range(8)]

    def learn(view: SecretSet, number: int) -> None:
        for index in range(50):
            view.add(f"thread-{number}-secret-{index:03d}")
            view.mask("nothing to hide here")

    threads = [threading.Thread(target=learn, args=(view, n)) for n, view in enumerate(views)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    text = " ".join(f"thread-{n}-secret-{i:03d}" for n in range(8) for i in range(50))
    assert run.mask(text) == " ".join([MASK] * 400)


def test_copy_is_independent() -> None:
    base = SecretSet(["bootstrap-0123456"])
    guide = base.copy()
    guide.add("guide-only-secret")
    assert guide.mask("bootstrap-0123456 guide-only-secret") == f"{MASK} {MASK}"
    assert base.mask("guide-only-secret") == "guide-only-secret"


@pytest.mark.parametrize("before", ["", "x", "xy", '{"state": "', "id=7&c="])
def test_a_secret_inside_a_longer_base64_text_is_masked_at_any_offset(before: str) -> None:
    secret = "sk_live_" + "3a" * 32
    blob = base64.b64encode(f'{before}{secret}", "more": 1}}'.encode()).decode()
    masked = SecretSet([secret]).mask(blob)
    assert MASK in masked
    # What is left decodes to no run of the secret longer than a base64 group's worth.
    for alphabet in (base64.b64encode, base64.urlsafe_b64encode):
        assert alphabet(secret.encode()).decode()[4:20] not in masked


def test_python_quoting_case_and_hex_of_a_secret_are_masked() -> None:
    token = "Ab&c<d>\"e'f Zq9!x%41+y/="
    secrets = SecretSet([token])
    assert secrets.mask(f"bad URL {token!r}") == f"bad URL '{MASK}'"
    assert secrets.mask(ascii(token + "\x01")) == f"'{MASK}\\x01'"
    assert secrets.mask(token.upper()) == MASK
    assert secrets.mask(token.encode().hex()) == MASK
    assert secrets.mask(token.encode().hex().upper()) == MASK


@pytest.mark.parametrize(("name", "secret"), [
    ("secretKey", True), ("privateKeyPem", True), ("tokenValue", True), ("db_password", True),
    ("clientSecret", True), ("access_token", True),
    ("clientSecretExpiresAt", False), ("secretKeyId", False), ("passwordLength", False),
    ("token_type", False), ("tokenEndpoint", False), ("credentialId", False),
])
def test_a_name_is_secret_wherever_it_says_so(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret


def test_a_client_secret_is_masked_by_its_shape_under_any_key() -> None:
    secret = "sk_live_" + "4f" * 32
    assert mask_shapes(f'{{"note": "{secret}", "kind": "sk_live_..."}}') == (
        '{"note": "***", "kind": "sk_live_..."}')
    assert mask_shapes(f"x{secret}") == f"x{secret}"  # inside a longer word: not a secret


def test_a_large_set_masks_in_one_pass_as_the_small_one_does() -> None:
    # A run's set at write time holds thousands of forms; it searches for all at once.
    small = ["abcdefgh", "efghijklmn", "Zq9-secret/value"]
    fillers = [f"filler-{n:04d}-secret-value" for n in range(300)]
    large = SecretSet([*small, *fillers])
    text = "xx abcdefghijklmn yy Zq9-secret%2Fvalue zz filler-0042-secret-value."
    assert large.mask(text) == SecretSet(small + fillers[:1] + ["filler-0042-secret-value"]
                                         ).mask(text)
    assert large.mask(text) == f"xx {MASK} yy {MASK} zz {MASK}."
    assert large.mask("nothing here") == "nothing here"
