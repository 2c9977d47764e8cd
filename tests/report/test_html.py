"""The HTML report, read back without a browser: self-contained, structured for keyboard and
screen readers, the JSON report's numbers, every step in order, a failed step side by side,
and masked in every text and attribute."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

from click.testing import CliRunner

from runner.cli import cli
from runner.model import RunResult
from runner.report.html import to_html
from runner.report.json_report import to_json
from tests.report.html_page import Page, read_page
from tests.report.samples import sample_result

ROOT = Path(__file__).resolve().parents[2]
DRIFT = ROOT / "tests" / "e2e" / "guides" / "drift-changed-value.md"
CLEAN = ROOT / "tests" / "e2e" / "guides" / "clean-register.md"


def _page(result: RunResult | None = None, **options: object) -> tuple[str, Page]:
    text = to_html(result or sample_result(), **options)  # type: ignore[arg-type]
    return text, read_page(text)


def test_the_page_is_self_contained_and_needs_no_script() -> None:
    text, page = _page(coverage_note="fixtures/openapi.yaml: no such OpenAPI file")
    assert page.doctype == "DOCTYPE html"
    tags = {element.tag for element in page.elements}
    assert not tags & {"script", "link", "img", "iframe", "object", "embed", "form", "base"}
    ids = [e.attrs["id"] for e in page.elements if "id" in e.attrs]
    assert len(ids) == len(set(ids))
    for element in page.elements:
        assert not [name for name in element.attrs if name == "src" or name.startswith("on")]
        href = element.attrs.get("href")
        if href is not None:
            # Links go only within the page, to an element that is there.
            assert href.startswith("#") and href[1:] in ids, href
    assert "url(" not in text and "@import" not in text and "http-equiv" not in text


def test_structure_for_keyboard_and_screen_readers() -> None:
    _, page = _page()
    first = next(e for e in page.elements if e.tag in ("a", "details", "summary", "button"))
    assert first.attrs.get("href") == "#main" and "Skip" in first.text  # the skip link
    assert page.by_id("main").tag == "main"
    assert [e.tag for e in page.elements if e.tag == "h1"] == ["h1"]
    for cell in (c for c in page.elements if c.tag == "th"):
        assert cell.attrs.get("scope") in ("col", "row"), cell
    for table in (t for t in page.elements if t.tag == "table"):
        assert table.find_all("caption"), "every table says what it holds"
    assert len(page.by_id("main").find_all("section")) > 2


def test_the_summary_is_the_json_reports() -> None:
    result = sample_result()
    _, page = _page(result)
    counts = page.table_rows("counts")
    summary = to_json(result)["summary"]
    for key in ("guides", "steps", "passed", "failed", "errors", "skipped"):
        assert counts[key] == [str(summary[key])], key
    assert "Agents left behind" in page.text
    assert "agt_7f3a" in page.by_id("summary").text


def test_every_guide_and_its_steps_in_markdown_order() -> None:
    result = sample_result()
    _, page = _page(result)
    data = to_json(result)
    for number, guide in enumerate(data["guides"], 1):
        section = page.by_id(f"guide-{number}")
        assert guide["path"] in section.find_all("h3")[0].text
        items = [e for e in section.find_all("li") if "step" in e.classes]
        assert len(items) == len(guide["steps"])
        for item, step in zip(items, guide["steps"], strict=True):
            summary = item.find_all("summary")[0].text
            assert step["status"] in item.classes
            assert f"{step['line']}" in summary and step["name"] in summary
            details = item.find_all("details")[0]
            # What needs attention is open; the rest is a keyboard press away.
            assert ("open" in details.attrs) == (step["status"] in ("failed", "error"))


def test_a_failed_step_shows_documented_and_real_side_by_side() -> None:
    _, page = _page()
    failed = page.by_id("guide-2-step-2")
    table = next(t for t in failed.find_all("table") if "compare" in t.classes)
    head = [th.text for th in table.find_all("th")]
    assert head == ["documented in the guide (line 20)", "real answer of the target"]
    changed = [row for row in table.find_all("tr") if "changed" in row.classes]
    assert changed
    status = changed[0].find_all("td")
    assert status[0].find_all("del")[0].text == "- status 201"
    assert status[1].find_all("ins")[0].text == "+ status 409 Conflict"


def test_the_matchers_diff_is_the_body_on_the_page(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    outcome = CliRunner().invoke(cli, [str(DRIFT), "--html", str(html)])
    assert outcome.exit_code == 1, outcome.output
    page = read_page(html.read_text(encoding="utf-8"))
    table = next(t for t in page.elements if t.tag == "table" and "compare" in t.classes)
    rows = [[cell.text for cell in row.find_all("td")] for row in table.find_all("tr")
            if "changed" in row.classes]
    assert ['-   "status": "pending",', '+   "status": "active",'] in rows


def test_every_text_and_attribute_is_masked() -> None:
    # A secret that HTML escaping would change (`&`, `<`, a quote): masked before escaping.
    secret = 'p&ss<wo"rd>-7f3a'
    base = sample_result()
    guide = base.guides[1]
    step = guide.steps[1]
    assert step.exchange is not None
    step = replace(step, url=f"{step.url}?k={secret}",
                   reason=secret, exchange=replace(step.exchange, response_body=secret))
    guide = replace(guide, path=f"docs/{secret}.md",
                    steps=(guide.steps[0], step, *guide.steps[2:]))
    result = replace(base, guides=(base.guides[0], guide, *base.guides[2:]),
                     mask=lambda text: text.replace(secret, "***"))
    text, page = _page(result, coverage_note=f"cannot read {secret}")
    unmasked = replace(result, mask=str)
    assert "p&amp;ss&lt;wo" in to_html(unmasked)  # the value is really on the page otherwise
    assert "***" in page.text
    values = [page.text, text] + [str(value) for e in page.elements for value in e.attrs.values()]
    for value in values:
        assert secret not in value
        assert "p&amp;ss" not in value and "p&ss" not in value


def test_coverage_of_the_configured_openapi_or_why_not(tmp_path: Path) -> None:
    html = tmp_path / "r.html"
    outcome = CliRunner().invoke(cli, [str(CLEAN), "--html", str(html)])
    assert outcome.exit_code == 0, outcome.output
    page = read_page(html.read_text(encoding="utf-8"))
    assert "fixtures/openapi.yaml" in page.by_id("coverage-title").text
    figures = page.table_rows("coverage-figures")
    assert set(figures) == {"operations", "responses", "error codes"}
    assert figures["operations"][1] == "16"  # of 16 operations

    (tmp_path / "pyproject.toml").write_text('[tool.verify-docs]\nopenapi = "api.yaml"\n')
    (tmp_path / "api.yaml").write_text("openapi: [unclosed\n")
    guide = tmp_path / "guide.md"
    guide.write_text(CLEAN.read_text())
    outcome = CliRunner().invoke(cli, [str(guide), "--html", str(html)])
    assert outcome.exit_code == 0, outcome.output  # the run itself is fine
    page = read_page(html.read_text(encoding="utf-8"))
    said = re.sub(r"\s+", " ", page.by_id("coverage").text)
    assert "Coverage is unavailable:" in said and "api.yaml" in said and "not valid YAML" in said


def test_an_html_report_in_a_missing_folder_stops_the_run_before_anything_is_sent(
    tmp_path: Path
) -> None:
    outcome = CliRunner().invoke(cli, [str(CLEAN), "-v", "--html", str(tmp_path / "no" / "r.html")])
    assert outcome.exit_code == 2
    assert "--html" in outcome.output and "expected an existing folder" in outcome.output
    assert "POST" not in outcome.output
