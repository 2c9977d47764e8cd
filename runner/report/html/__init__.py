"""The HTML report: one self-contained page for a release manager. No script, no external
asset, no network: the summary (steps by verdict, agents left behind, coverage), then every
guide with its steps in Markdown order, a failed step's documented and real response side by
side."""

from __future__ import annotations

from runner.report.html.page import to_html, write_html

__all__ = ["to_html", "write_html"]
