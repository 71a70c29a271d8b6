"""WCAG 2.1 AA, as axe-core checks it in Chromium, on every kind of page a reader meets.

axe-core comes from npm (`make test` installs it under var/npm/); it runs in each page
as served by gunicorn, at 1280 and 375 pixels wide, with its rules of WCAG 2.0 and 2.1,
levels A and AA.
"""

import json

import pytest

from indexer.search.editorial import curation_of
from indexer.whoosh.editorial import FileStore

from ..servers import ROOT, serving_corpus

pytestmark = pytest.mark.browser

pytest.importorskip("playwright.sync_api")  # skipped without Playwright

AXE = ROOT / "var" / "npm" / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {
    "home": "/",
    "results": "/?q=to+chuc+dang",
    "read-as-meant": "/?q=toor+chuwcs+ddangr",  # "Đang hiển thị kết quả cho …"
    "as-typed": "/?q=toor+chuwcs+ddangr&verbatim=true",  # nothing found, a reading offered
    "relaxed": "/?q=t%E1%BB%95+ch%E1%BB%A9c+xyzabc",
    "filtered": "/?q=t%E1%BB%95+ch%E1%BB%A9c&place=Gia+Lai&sort=newest",
    "invalid": "/?q=a&page=0",
    "document": "/doc/000_50d02545dceeb243?q=t%E1%BB%95+ch%E1%BB%A9c",  # with "Tin liên quan"
    "fresh": "/?q=t%E1%BB%95+ch%E1%BB%A9c&sort=fresh",
    "story": "/?q=t%E1%BB%95+ch%E1%BB%A9c&story=000_50d02545dceeb243&collapse=false",
    "missing": "/doc/no-such-article",
    "curated": "/?q=h%E1%BB%99i+ngh%E1%BB%8B",  # a pinned hit: "Biên tập chọn"
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("a11y")
    with serving_corpus(folder) as url:
        pinned = {"query": "hội nghị", "pin": ["004_80203056e2d47fdc"]}
        FileStore(folder / "index").put("curations", curation_of("a11y", pinned))
        yield url


@pytest.fixture(scope="module")
def axe_source() -> str:
    assert AXE.exists(), f"{AXE} is missing: `make test` installs axe-core from npm"
    return AXE.read_text(encoding="utf-8")


@pytest.mark.parametrize("width", [1280, 375])
@pytest.mark.parametrize("name", PAGES)
def test_pages_meet_wcag_21_aa(browser, base_url, axe_source, name, width):
    # the page's own policy allows only its own scripts: axe is let in for the check
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    page.goto(base_url + PAGES[name])
    page.evaluate(axe_source)
    found = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})"
        ".then(r => ({violations: r.violations, passes: r.passes.length}))",
        TAGS,
    )
    context.close()
    problems = [
        {"rule": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]]}
        for v in found["violations"]
    ]
    assert problems == [], json.dumps(problems, ensure_ascii=False, indent=1)
    assert found["passes"] > 10  # axe ran and checked the page
