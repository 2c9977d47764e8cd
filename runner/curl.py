"""`runner.curl.to_request`: the public function the design names, kept where it names it.

The curl translator itself lives in `runner.translate.curl`, with the other languages a
guide's blocks are written in.
"""

from __future__ import annotations

from runner.translate.curl import to_request

__all__ = ["to_request"]
