"""curl, never run: arguments -> the request curl sends, and what curl prints (-o, -i, -w, -f)."""

from __future__ import annotations

from runner.translate.curl.body import FileReader
from runner.translate.curl.options import parse_args
from runner.translate.curl.printed import Screen, is_meter, screen, split_documented
from runner.translate.curl.redirect import Redirects, next_request
from runner.translate.curl.request import CurlRequest, build_request, to_request
from runner.translate.curl.state import PRINTING_OPTIONS, State, apply, printing_of
from runner.translate.curl.url import same_origin
from runner.translate.curl.write_out import (
    PrintedFacts,
    parse_write_out,
    render_write_out,
    write_out_matches,
)

__all__ = [
    "PRINTING_OPTIONS",
    "CurlRequest",
    "FileReader",
    "PrintedFacts",
    "Redirects",
    "Screen",
    "State",
    "apply",
    "build_request",
    "is_meter",
    "next_request",
    "parse_args",
    "parse_write_out",
    "printing_of",
    "render_write_out",
    "same_origin",
    "screen",
    "split_documented",
    "to_request",
    "write_out_matches",
]
