"""The pages in a real browser: Debian's Chromium driven by Playwright, against gunicorn.

Screenshots at 1280 and 375 pixels wide are saved in test-output/ for people to look at.
"""

import json
import re

import pytest

from indexer.whoosh.build import build

from ..search.test_news import COPIES
from ..servers import ROOT, serving

pytestmark = pytest.mark.browser  # drives Chromium against a running server

pytest.importorskip("playwright.sync_api")  # skipped without Playwright

SHOTS = ROOT / "test-output"
HOSTILE = {
    "id": "hostile",
    "title": 'Tin độc <script>window.__pwned = 1</script><img src=x onerror="window.__pwned = 2">',
    "text": "Nội dung độc <script>window.__pwned = 3</script>"
    ' và <img src=x onerror="window.__pwned = 4">.',
}


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browser")
    hostile = folder / "hostile.jsonl"
    lines = [json.dumps(d, ensure_ascii=False) for d in [HOSTILE, *COPIES]]
    hostile.write_text("\n".join(lines), encoding="utf-8")
    build(folder / "index", [ROOT / "corpus", hostile], workers=1, quiet=True)
    with serving(folder / "index") as url:
        yield url


@pytest.fixture(params=[1280, 375], ids=["desktop", "phone"])
def page(request, browser):
    width = request.param
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.width = width
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.on("dialog", lambda dialog: errors.append(f"dialog: {dialog.message}") or dialog.dismiss())
    yield page
    context.close()
    assert errors == [], errors


def shot(page, name):
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}-{page.width}.png"), full_page=True)


def no_sideways_scroll(page):
    assert page.evaluate("document.documentElement.scrollWidth") <= page.width


def test_search_without_diacritics_and_open_a_result(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "to chuc dang")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=to\+chuc\+dang"))
    marks = page.locator(".hit .snippet mark")
    assert marks.count() > 3
    assert "tổ chức" in marks.first.inner_text().lower()
    assert page.locator(".suggestion a").inner_text() == "tổ chức đảng"
    assert "kết quả" in page.locator("#summary").inner_text()
    no_sideways_scroll(page)
    shot(page, "search")

    title = page.locator(".hit h2 a").first.inner_text()
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    assert page.locator("h1").inner_text() == title
    assert page.locator("article mark").count() > 3
    no_sideways_scroll(page)
    shot(page, "document")
    page.locator("text=Quay lại kết quả").click()
    page.wait_for_url(re.compile(r"q=to\+chuc\+dang"))


def test_facet_and_sort(page, base_url):
    page.goto(base_url + "/?q=t%E1%BB%95+ch%E1%BB%A9c")
    total = page.locator("#summary").inner_text()
    page.get_by_role("link", name="Gia Lai", exact=True).click()
    page.wait_for_url(re.compile(r"place=Gia\+Lai"))
    assert page.locator(".hit").count() == 1
    assert "Gia Lai" in page.locator(".active-filters").inner_text()
    page.locator(".active-filters a").click()  # remove the filter
    page.wait_for_url(lambda url: "place=" not in url)
    assert page.locator("#summary").inner_text().split("(")[0] == total.split("(")[0]

    page.select_option("#sort", "newest")  # submits by itself when scripts run
    page.wait_for_url(re.compile(r"sort=newest"))
    dates = page.locator(".hit time").all_inner_texts()
    assert dates[:3] == ["02/10/2023", "15/07/2022", "13/10/2020 14:21"]
    shot(page, "sorted")


def test_a_quoted_phrase_that_finds_nothing_offers_its_words(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", '"hội nghị xây dựng đảng"')
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=%22"))
    assert page.locator("#summary").inner_text().startswith("Không tìm thấy kết quả nào")
    assert page.locator(".hit").count() == 0
    offer = page.locator(".suggestion")
    assert offer.inner_text() == "Thử tìm: hội nghị xây dựng đảng"
    shot(page, "nothing-found")
    offer.locator("a").click()
    page.wait_for_url(re.compile(r"q=h%E1%BB%99i\+ngh%E1%BB%8B"))
    assert page.locator(".hit").count() >= 1
    assert page.input_value("#q") == "hội nghị xây dựng đảng"


def test_a_short_query_no_article_holds_whole_says_so(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "tổ chức xyzabc")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=t%E1%BB%95"))
    notice = page.locator(".relaxed")
    assert notice.is_visible()
    assert notice.inner_text() == (
        "Không có bài nào chứa đủ các từ “tổ chức xyzabc”; kết quả gần đúng:"
    )
    assert page.locator(".hit").count() >= 1  # the articles holding the most of the words
    no_sideways_scroll(page)
    shot(page, "relaxed")
    page.fill("#q", "tổ chức đảng")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"%C4%91%E1%BA%A3ng"))
    assert page.locator(".relaxed").count() == 0


def test_filter_by_a_date_range(page, base_url):
    page.goto(base_url + "/?q=t%E1%BB%95+ch%E1%BB%A9c")
    before = page.locator(".hit").count()
    page.fill("#date_from", "2021-01-01")
    page.fill("#date_to", "2022-12-31")
    page.get_by_role("button", name="Lọc theo ngày").click()
    page.wait_for_url(re.compile(r"date_from=2021-01-01.*date_to=2022-12-31"))
    dates = page.locator(".hit time").all_inner_texts()
    assert dates and len(dates) == page.locator(".hit").count() < before
    assert all(d.split()[0].endswith(("/2021", "/2022")) for d in dates)
    assert "Từ ngày: 01/01/2021" in page.locator(".active-filters").inner_text()
    assert page.input_value("#date_from") == "2021-01-01"  # the form shows the range in use
    assert page.input_value("#q") == "tổ chức"
    no_sideways_scroll(page)
    shot(page, "dates")


def test_autocomplete_with_keyboard(page, base_url):
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("to ch", delay=40)
    option = page.locator("#suggestions li", has_text="tổ chức")
    option.wait_for()
    assert page.get_attribute("#q", "aria-expanded") == "true"
    page.press("#q", "ArrowDown")
    assert page.locator("#suggestions li[aria-selected=true]").count() == 1
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=t%E1%BB%95"))
    page.locator(".hit").first.wait_for()  # the URL may change before the results come
    assert page.locator(".hit").count() >= 1


def test_results_as_you_type(page, base_url):
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("tinh uy gia lai", delay=30)
    page.locator(".hit .snippet mark").first.wait_for()  # no reload: the script swapped them in
    assert "Gia Lai" in page.locator(".hit h2").first.inner_text()
    assert "q=tinh+uy+gia+lai" in page.url


def test_page_works_with_javascript_off(browser, base_url):
    context = browser.new_context(java_script_enabled=False, viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(base_url + "/")
    page.fill("#q", "khoa 13")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=khoa\+13"))
    assert page.locator(".hit mark").count() > 0
    page.select_option("#sort", "oldest")
    page.click("form.sort button")
    page.wait_for_url(re.compile(r"sort=oldest"))
    context.close()


def test_hostile_document_runs_no_script(page, base_url):
    page.goto(base_url + "/?q=n%E1%BB%99i+dung+%C4%91%E1%BB%99c")
    assert page.locator(".hit").count() >= 1
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/doc/hostile"))
    page.wait_for_timeout(300)
    assert page.evaluate("window.__pwned === undefined")
    assert "<script>" in page.locator("h1").inner_text()  # shown as text, inert


def test_keyboard_reaches_the_search_box_and_results(page, base_url):
    page.goto(base_url + "/?q=t%E1%BB%95+ch%E1%BB%A9c")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "q"


def test_a_query_typed_with_telex_is_read_and_can_be_searched_as_typed(page, base_url):
    page.goto(base_url + "/")
    page.fill("#q", "toor chuwcs ddangr")
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=toor\+chuwcs\+ddangr"))
    notice = page.locator(".corrected")
    assert notice.is_visible()
    assert notice.inner_text() == (
        "Đang hiển thị kết quả cho tổ chức đảng. Tìm chính xác: toor chuwcs ddangr"
    )
    assert notice.locator("strong").inner_text() == "tổ chức đảng"
    assert page.locator(".hit").count() == 5
    assert page.locator(".hit .snippet mark").first.inner_text().lower() in ("tổ chức", "đảng")
    no_sideways_scroll(page)
    shot(page, "read-as-meant")
    notice.get_by_role("link", name="toor chuwcs ddangr").click()
    page.wait_for_url(re.compile(r"verbatim=true"))
    assert page.locator(".corrected").count() == 0
    assert page.locator("#summary").inner_text().startswith("Không tìm thấy kết quả nào")
    assert page.locator(".suggestion").inner_text() == "Thử tìm: tổ chức đảng"
    assert page.input_value("#q") == "toor chuwcs ddangr"
    shot(page, "searched-as-typed")
    page.fill("#q", "hooij nghij")  # a new search reads as meant again
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"q=hooij\+nghij"))
    assert "verbatim" not in page.url
    assert page.locator(".corrected strong").inner_text() == "hội nghị"


def test_autocomplete_reads_telex_and_completes_whole_words(page, base_url):
    page.goto(base_url + "/")
    page.locator("#q").press_sequentially("ban to chuc tr", delay=40)
    page.locator("#suggestions li", has_text="Ban Tổ chức Trung ương").wait_for()
    page.fill("#q", "")
    page.locator("#q").press_sequentially("ddoongf", delay=40)
    page.locator("#suggestions li", has_text=re.compile("^đồng$")).wait_for()
    assert page.locator("#suggestions li").first.inner_text() == "đồng"
    shot(page, "telex-completed")


def test_one_hit_per_story_and_its_copies(page, base_url):
    page.goto(base_url + "/?q=b%C3%A3o+s%E1%BB%91+3")
    assert page.locator(".hit").count() == 1  # three papers' copies of one story
    link = page.locator(".hit .similar a")
    assert link.inner_text() == "và 2 bài tương tự"
    no_sideways_scroll(page)
    shot(page, "story")
    link.click()
    page.wait_for_url(re.compile(r"story=wire-a"))
    assert page.locator(".hit").count() == 3
    assert "Cùng tin: wire-a" in page.locator(".active-filters").inner_text()
    assert page.locator(".hit .similar").count() == 0


def test_sort_fresh_and_related_articles(page, base_url):
    page.goto(base_url + "/?q=t%E1%BB%95+ch%E1%BB%A9c")
    options = page.locator("#sort option").all_inner_texts()
    assert options == ["Liên quan nhất", "Liên quan và mới", "Mới nhất", "Cũ nhất"]
    page.select_option("#sort", "fresh")
    page.wait_for_url(re.compile(r"sort=fresh"))
    assert page.locator("#sort").input_value() == "fresh"
    dates = page.locator(".hit time").all_inner_texts()
    assert dates[0] == "02/10/2023"  # the newest holds the words together, as the rest do
    page.locator(".hit h2 a").first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    related = page.get_by_role("complementary", name="Tin liên quan")
    assert related.locator("h2").inner_text() == "Tin liên quan"
    assert related.locator("li").count() == 4  # the four other seed articles
    no_sideways_scroll(page)
    shot(page, "related")
    first = related.locator("li a").first
    title = first.inner_text()
    first.click()
    page.wait_for_url(re.compile(r"/doc/"))
    assert page.locator("h1").inner_text() == title
