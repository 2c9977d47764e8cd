"""curl 7.88.1's command-line grammar: its whole option table, clusters, prefixes, `--no-`."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from runner.model import DocError, Source

__all__ = ["LONG_OPTIONS", "SUPPORTED", "Option", "ParsedArgs", "parse_args", "unsupported"]

# Every long option curl 7.88.1 knows, probed from the installed binary (`curl --help all`
# plus the hidden ones it still accepts), because curl decides prefixes and ambiguity over
# this whole table. Suffix `=`: takes a value; `!`: a switch that is no boolean (no `--no-`).
_TABLE = """
abstract-unix-socket= alpn alt-svc= anyauth append aws-sigv4= basic buffer cacert= capath=
cert= cert-status cert-type= ciphers= clobber compressed compressed-ssh config=
connect-timeout= connect-to= continue-at= cookie= cookie-jar= create-dirs create-file-mode=
crlf crlfile= curves= data= data-ascii= data-binary= data-raw= data-urlencode= delegation=
digest disable disable-eprt disable-epsv disallow-username-in-url dns-interface=
dns-ipv4-addr= dns-ipv6-addr= dns-servers= doh-cert-status doh-insecure doh-url=
dump-header= egd-file= engine= eprt epsv etag-compare= etag-save= expect100-timeout= fail
fail-early fail-with-body false-start form= form-escape form-string= ftp-account=
ftp-alternative-to-user= ftp-create-dirs ftp-method= ftp-pasv ftp-port= ftp-pret
ftp-skip-pasv-ip ftp-ssl ftp-ssl-ccc ftp-ssl-ccc-mode= ftp-ssl-control ftp-ssl-reqd get
globoff happy-eyeballs-timeout-ms= haproxy-protocol head header= help hostpubmd5=
hostpubsha256= hsts= http0.9 http1.0! http1.1! http2! http2-prior-knowledge! http3!
http3-only! ignore-content-length include insecure interface= ipv4! ipv6! json=
junk-session-cookies keepalive keepalive-time= key= key-type= krb= krb4= libcurl=
limit-rate= list-only local-port= location location-trusted login-options= mail-auth=
mail-from= mail-rcpt= mail-rcpt-allowfails manual max-filesize= max-redirs= max-time=
metalink negotiate netrc netrc-file= netrc-optional next! noproxy= npn ntlm ntlm-wb
oauth2-bearer= output= output-dir= parallel parallel-immediate parallel-max= pass=
path-as-is pinnedpubkey= post301 post302 post303 preproxy= progress-bar progress-meter
proto= proto-default= proto-redir= proxy= proxy-anyauth proxy-basic proxy-cacert=
proxy-capath= proxy-cert= proxy-cert-type= proxy-ciphers= proxy-crlfile= proxy-digest
proxy-header= proxy-insecure proxy-key= proxy-key-type= proxy-negotiate proxy-ntlm
proxy-pass= proxy-pinnedpubkey= proxy-service-name= proxy-ssl-allow-beast
proxy-ssl-auto-client-cert proxy-tls13-ciphers= proxy-tlsauthtype= proxy-tlspassword=
proxy-tlsuser= proxy-tlsv1! proxy-user= proxy1.0= proxytunnel pubkey= quote= random-file=
range= rate= raw referer= remote-header-name remote-name remote-name-all remote-time
remove-on-error request= request-target= resolve= retry= retry-all-errors retry-connrefused
retry-delay= retry-max-time= sasl-authzid= sasl-ir service-name= sessionid show-error silent
socks4= socks4a= socks5= socks5-basic socks5-gssapi socks5-gssapi-nec socks5-gssapi-service=
socks5-hostname= speed-limit= speed-time= ssl ssl-allow-beast ssl-auto-client-cert
ssl-no-revoke ssl-reqd ssl-revoke-best-effort sslv2! sslv3! stderr= styled-output
suppress-connect-headers tcp-fastopen tcp-nodelay telnet-option= test-event tftp-blksize=
tftp-no-options time-cond= tls-max= tls13-ciphers= tlsauthtype= tlspassword= tlsuser= tlsv1!
tlsv1.0! tlsv1.1! tlsv1.2! tlsv1.3! tr-encoding trace= trace-ascii= trace-time unix-socket=
upload-file= url= url-query= use-ascii user= user-agent= verbose version write-out= xattr
"""

_SHORT = (
    "a append;E cert;K config;C continue-at;b cookie;c cookie-jar;d data;q disable;"
    "D dump-header;f fail;F form;P ftp-port;G get;g globoff;I head;H header;h help;"
    "0 http1.0;i include;k insecure;4 ipv4;6 ipv6;j junk-session-cookies;l list-only;"
    "L location;M manual;m max-time;n netrc;: next;N buffer;o output;Z parallel;"
    "# progress-bar;x proxy;U proxy-user;p proxytunnel;Q quote;r range;e referer;"
    "J remote-header-name;O remote-name;R remote-time;X request;S show-error;s silent;"
    "Y speed-limit;y speed-time;2 sslv2;3 sslv3;t telnet-option;z time-cond;1 tlsv1;"
    "T upload-file;B use-ascii;u user;A user-agent;v verbose;V version;w write-out"
)


@dataclass(frozen=True, slots=True)
class _Spec:
    takes_value: bool
    boolean: bool


def _load() -> dict[str, _Spec]:
    table: dict[str, _Spec] = {}
    for token in _TABLE.split():
        name = token.rstrip("=!")
        table[name] = _Spec(takes_value=token.endswith("="), boolean=token[-1] not in "=!")
    return table


LONG_OPTIONS: dict[str, _Spec] = _load()
SHORT_OPTIONS: dict[str, str] = {item[0]: item[2:] for item in _SHORT.split(";")}

_SUPPORTED = """
request header data data-raw data-binary data-ascii data-urlencode json get url-query form
form-string user oauth2-bearer user-agent referer cookie head upload-file location insecure
max-time fail include silent show-error output write-out verbose url compressed connect-timeout
fail-with-body progress-meter max-redirs globoff buffer
"""
SUPPORTED: frozenset[str] = frozenset(_SUPPORTED.split())
"""The design's flag set (and `--max-redirs`, which CurlRequest carries anyway)."""


@dataclass(frozen=True, slots=True)
class Option:
    """One option as curl understood it: its canonical long name, value and `--no-` state."""

    name: str
    value: str | None
    enabled: bool
    written: str
    """The argument as the user wrote it (`-XPOST`, `--sil`), for messages."""
    hint: str = ""
    """For an option outside the supported set: ` (did you mean -X?)` when the words
    around it show which supported option was meant, else empty."""


@dataclass(frozen=True, slots=True)
class ParsedArgs:
    """curl's arguments split into options (in order) and URLs."""

    options: tuple[Option, ...]
    urls: tuple[str, ...]


def unsupported(option: Option, source: Source | None) -> DocError:
    """The refusal of an option curl knows but the design leaves out, with its hint."""
    name = option.name
    shown = option.written if option.written == f"--{name}" else f"{option.written} (--{name})"
    return DocError(f"curl: option {shown} is outside the supported flag set{option.hint}", source)


def _hint(suggestion: str) -> str:
    return f" (did you mean {suggestion}?)"


# Values that show which option was meant, for the case slips below.
_METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
_HEADER_LINE = re.compile(r"[A-Za-z0-9_-]+:(?:[ \t]|$)")


def _url_like(word: str) -> bool:
    return "://" in word or word.startswith(("localhost", "127.0.0.1", "$"))


# A short option written in the wrong case (`-x POST` for `-X POST`): the letter curl read,
# the supported letter, and a test of the word that shows the slip (the option's value, or
# for a switch the word after it). The test keeps the hint honest: `-x http://proxy:8080`
# really is a proxy, and `-D -` really dumps headers, so neither gets a hint.
_CASE_SLIPS: dict[str, tuple[str, Callable[[str], bool]]] = {
    "x": ("X", lambda value: value.upper() in _METHODS),
    "h": ("H", lambda following: _HEADER_LINE.match(following) is not None),
    "D": ("d", lambda value: value.lstrip().startswith(("{", "[", "@")) or (
        "=" in value and "/" not in value)),
    "O": ("o", lambda following: not _url_like(following) and "/" not in following),
    "l": ("L", lambda _: True),  # --list-only is FTP's: in an HTTP guide it is -L
    "V": ("v", lambda _: True),  # --version prints curl's version and sends nothing
    "U": ("u", lambda value: ":" in value),
    "K": ("k", _url_like),
    "E": ("e", lambda value: "://" in value),
    "M": ("m", lambda following: following.replace(".", "", 1).isdigit()),
    "a": ("A", lambda following: not _url_like(following)),
    "t": ("T", lambda value: "=" not in value),
}


def _case_hint(letter: str, word: str | None) -> str:
    """` (did you mean -X?)` for a short option whose other case was plainly meant."""
    slip = _CASE_SLIPS.get(letter)
    if slip is None or word is None or not slip[1](word):
        return ""
    return _hint(f"-{slip[0]}")


def _one_dash(arg: str, source: Source | None) -> DocError | None:
    """A long name written with one dash (`-data`): curl reads it as short options.

    curl takes `-data` as `-d ata` and the word after it as a URL, so the command does
    something else than it says; refused, naming curl's reading and the long option.
    """
    stem = arg[1:]
    negated = stem.startswith("no-") and stem[3:] in LONG_OPTIONS
    # Long names are lower case: `-sSL` is the cluster it looks like, `-ssl` is not.
    if len(stem) < 3 or not (stem in LONG_OPTIONS or negated):
        return None
    reading: list[str] = []
    for position, letter in enumerate(arg[1:], 1):
        long_name = SHORT_OPTIONS.get(letter)
        if long_name is None:
            return DocError(f"curl: option {arg}: is unknown{_hint('-' + arg)}", source)
        if LONG_OPTIONS[long_name].takes_value:
            reading.append(f"-{letter} {arg[position + 1:] or '<next word>'}")
            break
        reading.append(f"-{letter}")
    return DocError(
        f"curl: option {arg} has one dash, so curl reads it as `{' '.join(reading)}`"
        f"{_hint('-' + arg)}",
        source,
    )


# Names other HTTP clients (wget, HTTPie, client libraries) give to what curl calls otherwise.
_ALIASES = {
    "method": "request", "body": "data", "post-data": "data", "body-data": "data",
    "timeout": "max-time", "bearer": "oauth2-bearer", "query": "url-query",
    "agent": "user-agent", "follow": "location", "no-check-certificate": "insecure",
}


def _unknown(word: str, source: Source | None) -> DocError:
    stem = word.lstrip("-")
    hint = ""
    if len(word) > 2 and word.startswith("--"):
        negated = stem.lower().startswith("no-")
        stem = stem.lower().removeprefix("no-")
        candidates = [n for n in LONG_OPTIONS if n.startswith(stem)] if negated else []
        # Another tool's name for a supported option, then a near spelling of a supported
        # option: those are the ones a guide can use.
        candidates = (
            candidates
            or ([_ALIASES[stem]] if stem in _ALIASES and not negated else [])
            or difflib.get_close_matches(stem, sorted(SUPPORTED), n=1)
            or difflib.get_close_matches(stem, list(LONG_OPTIONS), n=1)
        )
        if candidates:
            hint = _hint(f"--{'no-' if negated else ''}{candidates[0]}")
    return DocError(f"curl: unknown option {word}{hint}", source)


def _one_letter(word: str) -> str:
    """`--X` (a short option written with two dashes): ` (did you mean -X?)`."""
    letter = word[2:]
    name = SHORT_OPTIONS.get(letter) if len(letter) == 1 else None
    return _hint(f"-{letter}") if name in SUPPORTED else ""


def _lookup_long(word: str, source: Source | None) -> tuple[str, bool]:
    """curl 7.88's lookup: exact name, else a unique prefix; `no-` needs the exact name."""
    stem = word[2:]
    lowered = stem.lower()
    enabled = True
    if lowered.startswith("no-"):
        # curl compares with the length of the word before `no-` was cut, so only an
        # exact (case-insensitive) name matches after `--no-`.
        rest = lowered[3:]
        if rest in LONG_OPTIONS:
            if not LONG_OPTIONS[rest].boolean:
                raise DocError(
                    f"curl: option {word}: used '--no-' for option that isn't a boolean", source
                )
            return rest, False
        raise _unknown(word, source)
    if lowered in LONG_OPTIONS:
        return lowered, enabled
    hits = [name for name in LONG_OPTIONS if name.startswith(lowered)]
    if len(hits) > 1:
        shown = ", ".join(f"--{h}" for h in hits[:6]) + (", ..." if len(hits) > 6 else "")
        raise DocError(f"curl: option {word}: is ambiguous ({shown}){_one_letter(word)}", source)
    if not hits:
        raise _unknown(word, source)
    return hits[0], enabled


def parse_args(argv: Sequence[str], source: Source | None) -> ParsedArgs:
    """Split curl's arguments (argv[0] excluded) as curl 7.88's getparameter() does."""
    options: list[Option] = []
    urls: list[str] = []
    index = 0
    flags = True
    while index < len(argv):
        arg = argv[index]
        index += 1
        if flags and arg == "--":
            flags = False
            continue
        if not flags or not arg.startswith("-"):
            urls.append(arg)
            continue
        if arg.startswith("--"):
            name, enabled = _lookup_long(arg, source)
            value: str | None = None
            if LONG_OPTIONS[name].takes_value:
                if index >= len(argv):
                    raise DocError(f"curl: option {arg}: requires parameter", source)
                value = argv[index]
                index += 1
            hint = "" if name in SUPPORTED else _one_letter(arg)
            options.append(Option(name, value, enabled, arg, hint))
            continue
        letters = arg[1:]
        if not letters:
            raise _unknown(arg, source)
        one_dash = _one_dash(arg, source)
        if one_dash is not None:
            raise one_dash
        position = 0
        while position < len(letters):
            letter = letters[position]
            position += 1
            long_name = SHORT_OPTIONS.get(letter)
            if long_name is None:
                raise DocError(f"curl: option {arg}: is unknown{_swapped(letter)}", source)
            if LONG_OPTIONS[long_name].takes_value:
                if position < len(letters):
                    value = letters[position:]
                elif index < len(argv):
                    value = argv[index]
                    index += 1
                else:
                    raise DocError(f"curl: option {arg}: requires parameter", source)
                hint = "" if long_name in SUPPORTED else _case_hint(letter, value)
                options.append(Option(long_name, value, True, arg, hint))
                break
            # A switch: the word after it shows the slip, when the switch ends its word.
            following = argv[index] if position == len(letters) and index < len(argv) else None
            hint = "" if long_name in SUPPORTED else _case_hint(letter, following)
            # -N is "--no-buffer": the letter switches the buffer off.
            options.append(Option(long_name, None, long_name != "buffer", arg, hint))
    return ParsedArgs(tuple(options), tuple(urls))


def _swapped(letter: str) -> str:
    """For a letter curl does not know (`-W`): the supported option in the other case."""
    other = letter.swapcase()
    return _hint(f"-{other}") if SHORT_OPTIONS.get(other) in SUPPORTED else ""
