"""The HTML pages through Flask's test client: rendering, escaping, links, errors."""

import json
import re
from urllib.parse import quote

import pytest

from indexer.whoosh.build import build
from webapp import create_app
from webapp.pages import date_input

HOSTILE = {
    "id": "evil/<id>",
    "title": '<script>alert("t")</script><img src=x onerror=alert(1)>',
    "text": "Nội dung <script>alert('b')</script> và <b>đậm</b>\u202e đảo chiều\u200b.",
    "author": "<i>Tác giả</i>",
    "url": "javascript:alert(1)",
}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pages")
    hostile = folder / "hostile.jsonl"
    hostile.write_text(json.dumps(HOSTILE, ensure_ascii=False), encoding="utf-8")
    build(folder / "index", ["corpus", hostile], workers=1, quiet=True)
    app = create_app({"INDEX": str(folder / "index")})
    yield app.test_client()
    app.extensions["engine"].close()


def test_search_page_renders_results(client):
    page = client.get("/?q=to+chuc+dang").get_data(as_text=True)
    assert '<html lang="vi">' in page
    assert "kết quả" in page
    assert "<mark>" in page
    assert "Có phải bạn muốn tìm" in page and "tổ chức đảng" in page
    assert 'for="q"' in page  # the search box has a label
    assert "Lọc kết quả" in page and "Lạng Sơn" in page


def test_home_lists_newest(client):
    page = client.get("/").get_data(as_text=True)
    assert page.index("02/10/2023") < page.index("15/07/2022") < page.index("13/10/2020")


def test_page_works_without_javascript(client):
    page = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c&per_page=2").get_data(as_text=True)
    assert re.search(r'<form[^>]+action="/"[^>]+method="get"', page)  # a plain GET form
    assert 'rel="next"' in page  # paging by links
    assert "sort=newest" not in page or "<select" in page
    assert '<select id="sort" name="sort">' in page


def test_facet_links_filter(client):
    page = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c").get_data(as_text=True)
    assert "date_from=2023-01-01&amp;date_to=2023-12-31" in page
    filtered = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c&place=Gia+Lai").get_data(as_text=True)
    assert "1 kết quả" in filtered
    assert "Bỏ lọc Địa phương: Gia Lai" in filtered


def test_fragment_for_results_as_you_type(client):
    fragment = client.get("/?q=tinh+uy&fragment=1").get_data(as_text=True)
    assert "<html" not in fragment and "<mark>" in fragment


def test_document_page_marks_the_query(client):
    response = client.get("/doc/000_50d02545dceeb243?q=tinh+uy")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<mark>Tỉnh ủy</mark>" in page and "<mark>Tỉnh uỷ</mark>" in page
    assert "Quay lại kết quả" in page and 'href="/?q=tinh+uy"' in page
    assert 'class="caption"' in page


def test_hostile_document_is_inert(client):
    page = client.get("/?q=n%E1%BB%99i+dung").get_data(as_text=True)
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page
    doc = client.get("/doc/" + quote(HOSTILE["id"], safe="")).get_data(as_text=True)
    assert "<script>alert" not in doc and "<i>Tác giả</i>" not in doc
    assert "javascript:" not in doc  # a document's url is a link only when http(s)


def test_invalid_parameters_show_a_message(client):
    response = client.get("/?page=abc")
    assert response.status_code == 400
    assert "Số trang phải là một số nguyên dương" in response.get_data(as_text=True)
    response = client.get("/?q=a&date_from=2023-02-30")
    assert response.status_code == 400 and "Ngày bắt đầu không hợp lệ" in response.get_data(
        as_text=True
    )


@pytest.mark.parametrize(
    "value, end, shown",
    [
        ("2023-10-02", False, "2023-10-02"),
        ("2023", False, "2023-01-01"),
        ("2023", True, "2023-12-31"),
        ("2024-02", True, "2024-02-29"),
        ("2023-02", False, "2023-02-01"),
        ("yesterday", False, ""),
        (None, True, ""),
        ("2023-13", True, ""),
    ],
)
def test_date_filters_fill_the_date_inputs(value, end, shown):
    assert date_input(value, end) == shown


def test_a_date_range_form_beside_the_facets(client):
    body = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c&place=Gia+Lai&date_from=2022").get_data(
        as_text=True
    )
    form = body[
        body.index('<form class="dates"') : body.index("</form>", body.index('<form class="dates"'))
    ]
    assert 'name="date_from" value="2022-01-01"' in form and 'name="date_to" value=""' in form
    assert 'name="place" value="Gia Lai"' in form and 'name="q" value="tổ chức"' in form


def test_missing_document_and_page(client):
    assert client.get("/doc/nope").status_code == 404
    response = client.get("/no/such/page")
    body = response.get_data(as_text=True)
    assert response.status_code == 404 and "Không tìm thấy trang" in body
    assert "kiểm tra lại đường dẫn" in body and "requested URL" not in body  # in Vietnamese


def test_no_sort_box_when_nothing_is_found(client):
    body = client.get("/?q=%22qwzx+blorf%22").get_data(as_text=True)
    assert "Không tìm thấy kết quả nào" in body and 'id="sort"' not in body
    assert 'id="sort"' in client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c").get_data(as_text=True)


def test_static_assets_are_local(client):
    page = client.get("/").get_data(as_text=True)
    assert "http://" not in page.replace("http://www.w3.org", "") and "https://" not in page
    for asset in ("/static/style.css", "/static/app.js", "/static/favicon.svg"):
        response = client.get(asset)
        assert response.status_code == 200
        response.close()  # static files are streamed from disk


def test_a_document_page_without_an_index_is_a_503_page(tmp_path):
    client = create_app({"INDEX": str(tmp_path / "none")}).test_client()
    response = client.get("/doc/001_cb7a5b37da5bff54")
    assert response.status_code == 503
    assert "Chưa có chỉ mục" in response.get_data(as_text=True)
    moved = client.get("/document/001_cb7a5b37da5bff54?q=x")
    assert moved.status_code == 301 and moved.location.endswith("/doc/001_cb7a5b37da5bff54?q=x")


def test_a_relaxed_search_says_so_in_vietnamese(client):
    page = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c+xyzabc").get_data(as_text=True)
    assert "Không có bài nào chứa đủ các từ “tổ chức xyzabc”; kết quả gần đúng:" in page
    plain = client.get("/?q=t%E1%BB%95+ch%E1%BB%A9c").get_data(as_text=True)
    assert "kết quả gần đúng" not in plain


def test_a_query_read_otherwise_says_so_with_a_link_to_search_it_as_typed(client):
    page = client.get("/?q=toor+chuwcs+ddangr&sort=newest").get_data(as_text=True)
    notice = re.search(r'<p class="corrected" role="status">(.*?)</p>', page, re.DOTALL)
    assert notice, page
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", notice.group(1))).strip()
    assert text == "Đang hiển thị kết quả cho tổ chức đảng. Tìm chính xác: toor chuwcs ddangr"
    link = re.search(r'href="([^"]+)"', notice.group(1)).group(1)
    assert "verbatim=true" in link and "sort=newest" in link and "q=toor+chuwcs+ddangr" in link
    verbatim = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    assert 'class="corrected"' not in verbatim
    assert "Không tìm thấy kết quả nào" in verbatim
    assert "tổ chức đảng</a>" in verbatim  # offered instead
    # a new search from the box starts reading as meant again
    box = re.search(r'<form class="search".*?</form>', verbatim, re.DOTALL).group(0)
    assert 'name="verbatim"' not in box and 'name="sort"' in box
