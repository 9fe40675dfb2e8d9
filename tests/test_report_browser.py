"""The HTML report in Debian's headless chromium: loads cleanly, shows every span, runs no injected script."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from framing.report import build_report
from test_report import TEXTS, article_spans, make_results

CHROMIUM, CHROMEDRIVER = shutil.which("chromium"), shutil.which("chromedriver")
if not (CHROMIUM and CHROMEDRIVER):
    pytest.skip("needs Debian's chromium and chromium-driver (apt-get install chromium chromium-driver)",
                allow_module_level=True)
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium (pip install -e .[test])")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,1600")
SPAN_TEXTS = """const texts = {};
for (const el of document.querySelectorAll('[data-span-id]')) {
  texts[el.dataset.spanId] = (texts[el.dataset.spanId] || '') + el.textContent;
}
return [document.querySelectorAll('[data-span]').length, texts];"""


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("browser")
    return build_report(make_results(root), root / "report").parent


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in FLAGS + (f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}",):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(CHROMEDRIVER))
    yield driver
    driver.quit()


def load(browser: webdriver.Chrome, page: Path) -> None:
    """Open a page and fail on any console error or alert."""
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text
    errors = [entry for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
    assert errors == [], errors


def test_index_loads_and_links_every_article(browser: webdriver.Chrome, report: Path, tmp_path: Path) -> None:
    load(browser, report / "index.html")
    links = browser.execute_script("return [...document.querySelectorAll('a[href^=\"articles/\"]')].length")
    assert links == len(TEXTS)
    assert browser.execute_script("return [...document.images].every(img => img.complete && img.naturalWidth > 0)")
    browser.save_screenshot(str(tmp_path / "index.png"))


@pytest.mark.parametrize("article", sorted(TEXTS))
def test_article_page_highlights_every_span(browser: webdriver.Chrome, report: Path, tmp_path: Path,
                                            article: str) -> None:
    load(browser, report / "articles" / f"{article}.html")
    marked, texts = browser.execute_script(SPAN_TEXTS)
    spans = article_spans(article)
    assert marked == len(spans)
    assert texts == {str(i): span["text"] for i, span in enumerate(spans)}
    browser.save_screenshot(str(tmp_path / f"{article}.png"))
    assert (tmp_path / f"{article}.png").stat().st_size > 0


def test_injected_script_stays_inert(browser: webdriver.Chrome, report: Path) -> None:
    load(browser, report / "articles" / "x_evil.html")
    assert browser.execute_script("return window.pwned") is None
    assert browser.execute_script("return document.scripts.length + document.querySelectorAll('img').length") == 0
    shown = browser.execute_script("return document.querySelector('.text').innerText")
    assert "<script>window.pwned = 1; alert(1)</script>" in shown
    assert browser.execute_script("return document.querySelector('h1').textContent") == "<img src=x onerror=alert(2)>"
