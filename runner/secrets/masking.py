"""Secret masking: every registered secret, in every encoding it can travel in, becomes `***`.

The run stage registers what it learns is secret (the bootstrap token, `Authorization`
values, `-u` credentials, JSON keys and form fields named like secrets, variables so named)
in a `SecretSet` and masks every text with it before building results; reports only add a
defensive `mask_shapes` pass. Documented example values are never registered: they are
not secrets, and masking them would hide what the guide said.
"""

from __future__ import annotations

import base64
import binascii
import bisect
import functools
import json
import re
import threading
from collections.abc import Iterable, Mapping
from urllib.parse import parse_qsl, quote, quote_plus

import ahocorasick

__all__ = [
    "MASK",
    "MIN_SECRET_LENGTH",
    "SECRET_NAME_PARTS",
    "SECRET_NAME_SUFFIXES",
    "Secret",
    "SecretSet",
    "is_secret_name",
    "is_secret_variable",
    "mask_headers",
    "mask_shapes",
]

MASK = "***"
"""What a secret becomes in every output."""

MIN_SECRET_LENGTH = 6
"""Values guessed from a name (a JSON key, a form field, a cookie) shorter than this are not
registered: masking every `abc` would garble every output for a value no one said was secret.
A value the user gave as a secret (`add`) is masked whatever its length: a short secret is
still a secret.
"""

_AUTOMATON_FORMS = 256
"""From this many forms on, a text is searched for all of them at once: a guide's view holds
a few dozen, the run's set at write time every guide's."""

_EMBEDDED_BASE64_MIN = 16
"""The shortest part of a value's base64 taken from the middle of a longer base64 text: a
shorter one would mask what merely resembles it (a value of 12 bytes or more has one)."""

_JSON_DEPTH = 3
"""How many times a secret may be JSON-escaped and still be masked: a JSON string holding a
JSON text holding the secret (a body shown inside a JSON report, a JUnit `-v` dump)."""

SECRET_NAME_SUFFIXES = (
    "token",
    "secret",
    "password",
    "passwd",
    "apikey",
    "privatekey",
    "assertion",
    "credentials",
)
"""A name is secret when, lowercased and without `_`/`-`, it ends with one of these.

Matching the end, not any part, keeps `token_type` ("Bearer") and `tokenEndpoint` public.
"""

SECRET_NAME_PARTS = ("secret", "password", "passwd", "privatekey", "apikey", "tokenvalue")
"""Words that make a name secret wherever they stand (`secretKey`, `privateKeyPem`,
`tokenValue`), unless the name ends by saying it is about the secret, not the secret itself
(`clientSecretExpiresAt`, `secretKeyId`, `passwordLength`)."""

_ABOUT_A_SECRET = ("at", "id", "ids", "type", "count", "length", "name", "url", "in", "on",
                   "version", "hint", "policy", "required", "set")

_MASKED_HEADERS = frozenset({"authorization", "proxy-authorization"})
_COOKIE_HEADERS = frozenset({"cookie", "set-cookie"})

# Three dot-separated base64url parts whose header starts `{"` (`eyJ`); the signature may be
# empty (`alg: none`). The look-behind keeps it from starting inside a longer base64 word.
_JWT = re.compile(r"(?<![A-Za-z0-9_-])eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*")
# The AgentIdP's client secrets (`sk_live_` + 64 hex digits), and other kinds' long bodies.
_CLIENT_SECRET = re.compile(r"(?<![A-Za-z0-9_])sk_(?:live|test)_[A-Za-z0-9]{16,}")
_PERCENT = re.compile(r"%[0-9A-F]{2}")
_UNRESERVED = re.compile(r"[A-Za-z0-9_.~-]*")
_UNRESERVED_OR_SPACE = re.compile(r"[A-Za-z0-9_.~ -]*")


def is_secret_name(name: str) -> bool:
    """Whether a JSON key, form field, header or variable name says its value is secret."""
    folded = name.lower().replace("_", "").replace("-", "")
    if folded.endswith(SECRET_NAME_SUFFIXES):
        return True
    return any(part in folded for part in SECRET_NAME_PARTS) and not folded.endswith(
        _ABOUT_A_SECRET)


def is_secret_variable(name: str) -> bool:
    """Whether a shell variable's name says its value is secret.

    Looser than `is_secret_name`: a field's name is the API's (`token_type` is no secret),
    a variable's is the writer's, and `TOKEN_OLD` or `SECRET_2` hold secrets all the same.
    """
    lowered = name.lower()
    return is_secret_name(name) or any(word in lowered for word in ("token", "secret", "passw"))


def mask_shapes(text: str) -> str:
    """Replace every JWT-looking value (`eyJ...` with three parts) and every AgentIdP client
    secret (`sk_live_`/`sk_test_` and a long body) by `***`, whatever key or text holds it."""
    # Most texts hold neither: a substring test is far cheaper than the look-behind scan.
    if "eyJ" in text:
        text = _JWT.sub(MASK, text)
    if "sk_" in text:
        text = _CLIENT_SECRET.sub(MASK, text)
    return text


class Secret:
    """A secret value whose `str`, `repr` and format show `***`; `reveal()` gives the value."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def reveal(self) -> str:
        """The real value, for the one place that must send it."""
        return self._value

    def __str__(self) -> str:
        return MASK

    def __repr__(self) -> str:
        return f"Secret({MASK!r})"

    def __format__(self, spec: str) -> str:
        return format(MASK, spec)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash((Secret, self._value))


class SecretSet:
    """The secrets of one run (or one guide's view of them), masked in any encoding.

    Safe to share between the threads of a parallel run: adding and masking take a lock.
    """

    def __init__(self, values: Iterable[str | Secret] = (), *,
                 feeds: SecretSet | None = None, thorough: bool = True) -> None:
        self._values: set[str] = set()
        self._forms: set[str] = set()
        # Every form, longest first, replaced as plain text: compiling a regex of escaped
        # secrets after every step cost more than the whole run of a guide.
        self._ordered: list[str] = []
        # `-len(form)` of each form in `_ordered` (ascending): a text is only searched for the
        # forms that fit in it.
        self._sizes: list[int] = []
        self._pending: list[str] = []
        self._automaton: ahocorasick.Automaton | None = None
        """All the forms in one automaton, once the set is large (built when next masked)."""
        """Forms learned since the last `mask`, not yet in `_ordered`."""
        self._feeds = feeds
        self._thorough = thorough
        """Whether the rarer forms (upper case, hex, Python's quoting, base64 inside longer
        base64) are masked too: by the run's set, which the writers mask with once; a guide's
        view, masking after every step, leaves them to it."""
        """The run's set, told of every secret this view learns."""
        self._lock = threading.Lock()
        for value in values:
            self.add(value)

    def __len__(self) -> int:
        return len(self._values)

    def __repr__(self) -> str:
        return f"SecretSet({len(self._values)} secrets)"

    def __contains__(self, value: object) -> bool:
        if isinstance(value, Secret):
            value = value.reveal()
        return value in self._values

    def scoped(self) -> SecretSet:
        """An empty view for one guide: it masks with what the guide learns, and tells this
        set of everything it learns. Empty, not a copy: a guide's masking must not grow with
        the secrets every guide before it learned (the writers mask those at the end)."""
        return SecretSet(feeds=self, thorough=False)

    def copy(self) -> SecretSet:
        """An independent set holding the same secrets, feeding no other."""
        twin = SecretSet()
        with self._lock:
            twin._values = set(self._values)
            twin._forms = set(self._forms)
            twin._ordered = list(self._ordered)
            twin._sizes = list(self._sizes)
            twin._pending = list(self._pending)
        return twin

    def add(self, value: str | Secret) -> None:
        """Register a secret the user gave (a token, a password), whatever its length."""
        raw = value.reveal() if isinstance(value, Secret) else value
        if not raw or raw in self._values:
            return
        self._learn(raw, _all_forms(raw))

    def add_guessed(self, value: str) -> None:
        """Register a value only its name calls secret; shorter than MIN_SECRET_LENGTH: ignored."""
        if len(value) >= MIN_SECRET_LENGTH:
            self.add(value)

    def add_basic(self, user: str, password: str) -> None:
        """Register Basic credentials: the id, the secret and `user:password` in base64."""
        self.add(user)
        self.add(password)
        pairs = {f"{user}:{password}", f"{quote_plus(user)}:{quote_plus(password)}"}
        for pair in pairs:
            if len(pair) > len(":"):
                self._learn(pair, _all_forms(pair))

    def collect_from_json(self, obj: object) -> None:
        """Register the string values of keys named like secrets, at any depth."""
        if isinstance(obj, Mapping):
            for key, value in obj.items():
                if isinstance(value, str):
                    if isinstance(key, str) and is_secret_name(key):
                        self.add_guessed(value)
                elif isinstance(value, dict | list | tuple | Mapping):
                    self.collect_from_json(value)  # scalars hold no keys: no call for them
        elif isinstance(obj, list | tuple):
            for item in obj:
                self.collect_from_json(item)

    def collect_from_form(self, body: str) -> None:
        """Register the values of form fields (`a=1&client_secret=...`) named like secrets."""
        for name, value in parse_qsl(body, keep_blank_values=True):
            if is_secret_name(name):
                self.add_guessed(value)

    def collect_from_headers(self, headers: Iterable[tuple[str, str]]) -> None:
        """Register credentials in `Authorization`, cookies and headers named like secrets."""
        for name, value in headers:
            lowered = name.lower()
            if lowered in _MASKED_HEADERS:
                self._collect_authorization(value)
            elif lowered in _COOKIE_HEADERS:
                for _, cookie in _cookie_pairs(value):
                    self.add_guessed(cookie)
            elif is_secret_name(lowered):
                self.add_guessed(value)

    def mask(self, text: str) -> str:
        """Replace every registered secret, in any encoding, and every JWT by `***`."""
        # Every place any form is found, overlapping ones masked as one: replacing one form
        # after another would leave the start of a secret that overlaps another in clear.
        with self._lock:
            if self._pending:
                self._settle()
            if len(self._ordered) >= _AUTOMATON_FORMS:
                spans = self._found_in_one_pass(text)
            else:
                spans = []
                # Forms longer than the text cannot be in it: start at the first that fits.
                start = bisect.bisect_left(self._sizes, -len(text))
                for index in range(start, len(self._ordered)):
                    form = self._ordered[index]
                    at = text.find(form)
                    while at >= 0:
                        spans.append((at, at + len(form)))
                        at = text.find(form, at + 1)
        return mask_shapes(_masked_spans(text, spans))

    def _found_in_one_pass(self, text: str) -> list[tuple[int, int]]:
        """Where every form is, found in one pass over the text (Aho-Corasick): a run's set
        at write time holds every secret of every guide, and searching for each form in turn
        made writing the reports of 2,000 steps take most of a minute."""
        if self._automaton is None:
            automaton = ahocorasick.Automaton()
            for form in self._ordered:
                automaton.add_word(form, len(form))
            automaton.make_automaton()
            self._automaton = automaton
        return [(end + 1 - size, end + 1) for end, size in self._automaton.iter(text)]

    def _collect_authorization(self, value: str) -> None:
        scheme, _, credentials = value.strip().partition(" ")
        credentials = credentials.strip()
        if not credentials:
            self.add(scheme)
            return
        self.add(credentials)
        if scheme.lower() == "basic":
            try:
                decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
            except (binascii.Error, UnicodeDecodeError):
                return
            user, sep, password = decoded.partition(":")
            if sep:
                self.add_basic(user, password)

    def _learn(self, value: str, forms: frozenset[str]) -> None:
        """Take a secret and its forms (computed once), and pass them on to the run's set."""
        with self._lock:
            if value in self._values:
                return
            self._values.add(value)
            new = (forms | _rare_forms(value) if self._thorough else forms) - self._forms
            self._forms |= new
            # Ordered when next masked: the run's set is masked only when a report is written.
            self._pending.extend(new)
        if self._feeds is not None:
            self._feeds._learn(value, forms)

    def _settle(self) -> None:
        """Put the forms learned since the last mask in order: longest first, so that a
        secret's base64 or URL form is masked whole, not in pieces."""
        pending, self._pending = self._pending, []
        self._automaton = None
        if len(pending) * 8 < len(self._ordered):
            # A few new forms in a long list (a guide's view, after each step): inserted in
            # place, since re-sorting every form each time grew with the guide.
            for form in pending:
                index = bisect.bisect_right(self._ordered, _longest_first(form),
                                            key=_longest_first)
                self._ordered.insert(index, form)
                self._sizes.insert(index, -len(form))
            return
        # Many at once (the run's set, at the end): one sort, which merges the sorted runs.
        self._ordered = sorted([*self._ordered, *sorted(pending, key=_longest_first)],
                               key=_longest_first)
        self._sizes = [-len(form) for form in self._ordered]


def _masked_spans(text: str, spans: list[tuple[int, int]]) -> str:
    """`text` with each span (start, end) replaced by `***`; overlapping spans are one."""
    if not spans:
        return text
    spans.sort()
    pieces: list[str] = []
    done = 0
    start, stop = spans[0]
    for begin, end in spans[1:]:
        if begin < stop:  # overlaps the span being built: one mask for both
            stop = max(stop, end)
            continue
        pieces += [text[done:start], MASK]
        done, (start, stop) = stop, (begin, end)
    pieces += [text[done:start], MASK, text[stop:]]
    return "".join(pieces)


def _longest_first(form: str) -> tuple[int, str]:
    return -len(form), form


def mask_headers(
    headers: Iterable[tuple[str, str]], secrets: SecretSet | None = None
) -> tuple[tuple[str, str], ...]:
    """Headers fit to print: credentials masked (`Bearer ***`), cookie values masked."""
    out: list[tuple[str, str]] = []
    for name, value in headers:
        lowered = name.lower()
        if lowered in _MASKED_HEADERS:
            scheme, space, _ = value.strip().partition(" ")
            value = f"{scheme} {MASK}" if space else MASK
        elif lowered in _COOKIE_HEADERS:
            value = _mask_cookie(value, attributes=lowered == "set-cookie")
        elif is_secret_name(lowered):
            value = MASK
        elif secrets is not None:
            value = secrets.mask(value)
        else:
            value = mask_shapes(value)
        out.append((name, value))
    return tuple(out)


def _cookie_pairs(value: str) -> list[tuple[str, str]]:
    pairs = []
    for part in value.split(";"):
        name, sep, cookie = part.strip().partition("=")
        if sep:
            pairs.append((name, cookie))
    return pairs


def _mask_cookie(value: str, *, attributes: bool) -> str:
    """`a=1; b=2` -> `a=***; b=***`; a Set-Cookie keeps its attributes (`Path=/`)."""
    parts = [part.strip() for part in value.split(";")]
    masked = []
    for index, part in enumerate(parts):
        name, sep, _ = part.partition("=")
        if attributes and index > 0:
            masked.append(part)
        elif sep:
            masked.append(f"{name}={MASK}")
        elif part:
            masked.append(MASK)
    return "; ".join(masked)


@functools.lru_cache(maxsize=4096)
def _all_forms(value: str) -> frozenset[str]:
    """Every form of a secret: its encodings, and those of its base64 forms.

    Pure, so cached: a run registers the same bootstrap token in every guide, and the same
    `Authorization` value at every step that sends it.
    """
    return frozenset(_encodings(value) | _encodings_of_each(_base64_forms(value)))


@functools.lru_cache(maxsize=1024)
def _rare_forms(value: str) -> frozenset[str]:
    """Forms a secret seldom travels in, masked only by a thorough set (the run's)."""
    return frozenset(_python_forms(value) | _embedded_base64(value))


def _base64_forms(value: str) -> set[str]:
    """Standard and URL-safe base64, with and without padding."""
    data = value.encode("utf-8")
    forms = set()
    for encoded in (base64.b64encode(data), base64.urlsafe_b64encode(data)):
        text = encoded.decode("ascii")
        forms.add(text)
        forms.add(text.rstrip("="))
    return {form for form in forms if len(form) >= MIN_SECRET_LENGTH}


def _embedded_base64(value: str) -> set[str]:
    """For a long value, the part of its base64 that is the same wherever it sits in a longer
    encoded text (a secret inside base64 JSON, a cursor, a state blob starts 0, 1 or 2 bytes
    into a 3-byte group): the groups that hold only the value's bytes, neither what comes
    before it (the first group, at an offset) nor after (the last, partial one). As written
    only: each form costs every later mask a search."""
    data = value.encode("utf-8")
    forms = set()
    for encode in (base64.b64encode, base64.urlsafe_b64encode):
        for offset in (1, 2):  # at 0, the whole base64 (without its tail) is one of the above
            shifted = encode(bytes(offset) + data).decode("ascii")
            inner = shifted[4: 4 * ((offset + len(data)) // 3)]
            if len(inner) >= _EMBEDDED_BASE64_MIN:
                forms.add(inner)
        whole = encode(data).decode("ascii")[: 4 * (len(data) // 3)]
        if len(whole) >= _EMBEDDED_BASE64_MIN:
            forms.add(whole)
    return forms


def _encodings_of_each(values: Iterable[str]) -> set[str]:
    forms: set[str] = set()
    for value in values:
        forms.update(_encodings(value))
    return forms


def _encodings(value: str) -> set[str]:
    """The value raw, URL-encoded (`quote`, `quote_plus`), `+` for spaces and JSON-escaped."""
    # Host names are case-insensitive: a value that ends up in one comes back lowercased.
    if _UNRESERVED.fullmatch(value):
        return {value, value.lower()}  # no encoder changes these (a JWT's, a hex secret's)
    if _UNRESERVED_OR_SPACE.fullmatch(value):
        # `Bearer eyJ...`: only the spaces change, to `%20` or `+` (JSON escapes none of
        # these characters); urllib's `quote` walks such a value a character at a time.
        return {value, value.lower(), value.replace(" ", "%20"), value.replace(" ", "+")}
    escaped = json.dumps(value)[1:-1]
    forms: set[str] = {
        value,
        value.lower(),
        _quote(value, ""),
        _quote(value, "/"),
        _quote_plus(value, ""),
        _quote_plus(value, "/"),
        value.replace(" ", "+"),
        escaped,
        json.dumps(value, ensure_ascii=False)[1:-1],
        escaped.replace("/", "\\/"),
    }
    # JSON inside JSON: each level escapes the backslashes and quotes of the one before.
    for level in (escaped, json.dumps(value, ensure_ascii=False)[1:-1]):
        for _ in range(_JSON_DEPTH - 1):
            level = json.dumps(level)[1:-1]
            forms |= {level, level.replace("/", "\\/")}
    # Some encoders write percent escapes in lowercase (`%2f`); both mean the same bytes.
    forms |= {_PERCENT.sub(_lowercase, form) for form in list(forms) if "%" in form}
    return {form for form in forms if form}


def _python_forms(value: str) -> set[str]:
    """The secret itself (not its encodings) as Python quotes it in a message (`repr`,
    `ascii`: `\\'`, `\\\\`, `\\x01`), upper case, and the hex of its UTF-8 bytes."""
    data = value.encode("utf-8")
    forms = {value.upper(), data.hex(), data.hex().upper()}
    if not _UNRESERVED_OR_SPACE.fullmatch(value):  # else Python quotes it as it is
        forms |= {repr(value)[1:-1], ascii(value)[1:-1],
                  value.replace("\\", "\\\\").replace("'", "\\'")}
    return forms


_ALWAYS_SAFE = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-~")


@functools.lru_cache(maxsize=8)
def _quote_table(safe: str) -> dict[int, str]:
    """urllib's percent-encoding of every ASCII character not in `safe`, as a translate table."""
    kept = _ALWAYS_SAFE | set(safe)
    return {code: f"%{code:02X}" for code in range(128) if chr(code) not in kept}


def _quote(value: str, safe: str) -> str:
    """`urllib.parse.quote(value, safe=safe)`, at C speed for an ASCII value (urllib walks it
    a byte at a time in Python: a JWT's base64 cost more than the rest of its step)."""
    if not value.isascii():
        return quote(value, safe=safe)
    return value.translate(_quote_table(safe))


def _quote_plus(value: str, safe: str) -> str:
    """`urllib.parse.quote_plus(value, safe=safe)`, as `_quote`."""
    if " " not in value:
        return _quote(value, safe)
    return _quote(value, safe + " ").replace(" ", "+")


def _lowercase(found: re.Match[str]) -> str:
    return found.group(0).lower()
