"""The HTML report in a real browser: Debian's `chromium`, driven by Playwright's Python
package (`executable_path`: no browser download). Scripts are off, as a locked-down mail
client or artifact viewer would have them.

The run is the one tests/report/test_late_secrets.py makes: its earlier steps fail and print
a value that only its last step says is a secret.
"""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Locator, Page, expect, sync_playwright

from tests.report.test_late_secrets import EARLIER, LAST, _forms, _run

BOOTSTRAP = "tok-abc123"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    chromium = shutil.which("chromium")
    if chromium is None:
        # Part of the dev set: .ci/run installs it. Missing is a failure, never a skip.
        pytest.fail("chromium is not installed: apt-get install chromium (.ci/run does it)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium)
        yield launched
        launched.close()


@pytest.fixture(scope="module")
def reports(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, object]]:
    folder = tmp_path_factory.mktemp("html")
    status, outputs = _run(folder, EARLIER + LAST)
    assert status == 1
    return folder / "r.html", json.loads(str(outputs["r.json"]))


@pytest.fixture
def page(browser: Browser, reports: tuple[Path, dict[str, object]]) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False)
    opened = context.new_page()
    requests: list[str] = []
    opened.on("request", lambda request: requests.append(request.url))
    url = reports[0].as_uri()
    opened.goto(url)
    yield opened
    context.close()
    # Self-contained: the page asked for nothing but itself.
    assert requests == [url]


def test_the_numbers_on_the_page_are_the_json_reports(
    page: Page, reports: tuple[Path, dict[str, object]]
) -> None:
    data = reports[1]
    summary = data["summary"]
    assert isinstance(summary, dict)
    shown = {}
    for row in page.locator("#counts tbody tr").all():
        expect(row).to_be_visible()
        shown[row.locator("th").inner_text()] = int(row.locator("td").inner_text())
    assert {key: shown[key] for key in summary} == summary
    guides = data["guides"]
    assert isinstance(guides, list)
    assert page.locator("section.guide").count() == len(guides)
    for number, guide in enumerate(guides, 1):
        labels = page.locator(f"#guide-{number} li.step > details > summary .verdict")
        words = {"passed": "PASS", "failed": "FAIL", "error": "ERROR", "skipped": "SKIP"}
        assert labels.all_inner_texts() == [words[step["status"]] for step in guide["steps"]]


def test_a_failed_steps_diff_is_visible(page: Page) -> None:
    failed = page.locator("li.step.failed").first
    changed = failed.locator("table.compare tr.changed")
    expect(changed.first).to_be_visible()  # open without a click, no script needed
    body_row = changed.filter(has_text='"note"')
    expect(body_row.locator("td.documented del")).to_contain_text('"note": "nothing here"')
    expect(body_row.locator("td.real ins")).to_be_visible()
    # Highlighted: the changed cells have a background, the unchanged ones none.
    plain = failed.locator("table.compare tr:not(.changed) td").first
    assert _background(body_row.locator("td.documented")) != _background(plain)
    assert _background(body_row.locator("td.real")) != _background(plain)


def _background(cell: Locator) -> str:
    return str(cell.evaluate("cell => getComputedStyle(cell).backgroundColor"))


def test_no_secret_in_the_rendered_text(page: Page) -> None:
    seen = [page.locator("body").inner_text()]
    page.emulate_media(media="print")  # every step opened, as printed
    seen.append(page.locator("body").inner_text())
    seen.append(page.content())
    for text in seen:
        assert "***" in text
        assert BOOTSTRAP not in text
        assert [form for form in _forms() if form in text] == []
    assert re.search(r'"note": "\*\*\*"', seen[1])  # the earlier step's value, masked


def test_keyboard_skip_link_and_steps(page: Page) -> None:
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to the report")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # shown when focused
    outline = skip.evaluate("link => getComputedStyle(link).outlineStyle")
    assert outline != "none"  # visible focus
    passed = page.locator("li.step.passed > details").first
    content = passed.locator("dl.facts")
    expect(content).to_be_hidden()
    passed.locator(":scope > summary").focus()
    page.keyboard.press("Enter")
    expect(content).to_be_visible()


def test_printing_opens_every_step_and_leaves_the_navigation_out(page: Page) -> None:
    closed = page.locator("li.step.passed dl.facts").first
    expect(closed).to_be_hidden()
    page.emulate_media(media="print")
    expect(closed).to_be_visible()
    expect(page.locator("nav")).to_be_hidden()
    pdf = page.pdf()
    assert pdf.startswith(b"%PDF")


@pytest.mark.parametrize(("width", "media"), [(400, "screen"), (720, "print")],
                         ids=["phone", "A4-paper"])
def test_the_outcome_comes_first_and_nothing_is_wider_than_the_page(
    browser: Browser, reports: tuple[Path, dict[str, object]], width: int, media: str
) -> None:
    context = browser.new_context(java_script_enabled=False,
                                  viewport={"width": width, "height": 800})
    opened = context.new_page()
    opened.emulate_media(media="print" if media == "print" else "screen")
    opened.goto(reports[0].as_uri())
    outcome = opened.locator("#outcome")
    expect(outcome).to_contain_text("This run FAILED (exit status 1)")
    box = outcome.bounding_box()
    assert box is not None and box["y"] + box["height"] < 800  # read without scrolling
    # Wide tables scroll in their own region (or, printed, wrap): the page itself never
    # scrolls sideways, and nothing is cut at the paper's edge.
    widths = opened.evaluate("[document.documentElement.scrollWidth, innerWidth]")
    assert widths[0] <= widths[1], widths
    context.close()


def test_printing_shows_a_failed_steps_exchange_but_not_a_passing_ones(page: Page) -> None:
    page.emulate_media(media="print")
    expect(page.locator("li.step.failed details.exchange pre").first).to_be_visible()
    passing = page.locator("li.step.passed details.exchange")
    assert passing.count() > 0
    expect(passing.first).to_be_hidden()  # a hundred pages of what went right, left out
