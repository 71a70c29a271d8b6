"""The HTML pages: the search page and the document page, rendered on the server."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, abort, redirect, render_template, request, url_for
from markupsafe import Markup

from indexer.articles.dates import key_day
from indexer.indexing.errors import IndexNeedsRebuild, IndexNotFound
from indexer.search.request import (
    KEPT,
    MAX_DEPTH,
    MAX_PER_PAGE,
    MAX_QUERY,
    InvalidRequest,
    date_bound,
)

from .analytics import record
from .engine import get_engine, search_request
from .metrics import searched

blueprint = Blueprint("pages", __name__)
RELATED_SHOWN = 5  # articles under "Tin liên quan"

SORT_LABELS = {
    "relevance": "Liên quan nhất",
    "fresh": "Liên quan và mới",
    "newest": "Mới nhất",
    "oldest": "Cũ nhất",
}
FACET_LABELS = {"year": "Năm", "place": "Địa phương", "author": "Tác giả", "source": "Nguồn"}
FILTER_LABELS = {
    "date_from": "Từ ngày",
    "date_to": "Đến ngày",
    "author": "Tác giả",
    "place": "Địa phương",
    "source": "Nguồn",
    "story": "Cùng tin",
}


def _vi_number(n: int) -> str:
    return f"{n:,}".replace(",", ".")  # 10.000: Vietnamese groups thousands with dots


# The search page speaks Vietnamese; the API keeps its English messages for programs.
MESSAGES = {
    "query_too_long": f"Câu tìm kiếm dài quá: tối đa {_vi_number(MAX_QUERY)} ký tự.",
    "invalid_page": "Số trang phải là một số nguyên dương.",
    "invalid_per_page": f"Số kết quả mỗi trang phải từ 1 đến {MAX_PER_PAGE}.",
    "page_too_deep": (
        f"Chỉ xem được {_vi_number(MAX_DEPTH)} kết quả đầu tiên: hãy thu hẹp tìm kiếm."
    ),
    "invalid_sort": "Cách sắp xếp không hợp lệ.",
    "invalid_date_from": "Ngày bắt đầu không hợp lệ: hãy nhập như 2023-10-02.",
    "invalid_date_to": "Ngày kết thúc không hợp lệ: hãy nhập như 2023-10-02.",
    "invalid_date_range": "Ngày bắt đầu ở sau ngày kết thúc.",
    "invalid_author": "Tên tác giả dài quá.",
    "invalid_place": "Tên địa phương dài quá.",
    "invalid_source": "Tên nguồn dài quá.",
    "invalid_story": "Mã tin dài quá.",
    "invalid_half_life": "Chu kỳ bán rã phải là số ngày lớn hơn 0.",
    "invalid_collapse": "Tham số collapse phải là true hoặc false.",
}


NO_INDEX = "Chưa có chỉ mục: hãy chạy `python -m indexer build` trước."
NEEDS_REBUILD = "Chỉ mục được tạo bởi một phiên bản khác: hãy chạy lại `python -m indexer build`."


def page_url(**changes) -> str:
    """The search page's URL with the current parameters, some changed (None drops one)."""
    params = {k: v for k in KEPT if (v := request.args.get(k))}
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    if "page" not in changes:
        params.pop("page", None)
    query = urlencode(params)
    return url_for("pages.index") + (f"?{query}" if query else "")


def facet_url(name: str, value: str) -> str:
    """Filter by a facet value: a year becomes a date range."""
    if name == "year":
        return page_url(date_from=f"{value}-01-01", date_to=f"{value}-12-31")
    return page_url(**{name: value})


def date_input(value: str | None, end: bool) -> str:
    """A date filter as an <input type=date> value: 2023 -> 2023-01-01 (or -12-31 for the
    end), 2023-02 -> 2023-02-01 (or -28); anything the search refuses -> empty."""
    try:
        stamp = date_bound(value, "date", end)
    except InvalidRequest:
        return ""
    return key_day(stamp) if stamp is not None else ""


def vi_date(value: str | None) -> str:
    """2023-10-02 -> 02/10/2023; 2020-10-13T14:21 -> 13/10/2020 14:21; 2022-07 -> 07/2022."""
    if not value:
        return ""
    day_part, _, time_part = value.partition("T")
    pieces = day_part.split("-")
    shown = "/".join(reversed(pieces))
    return f"{shown} {time_part}" if time_part else shown


def kept_except(*names: str) -> list[str]:
    """The parameters a form of the page carries along, but *names* (which it sets)."""
    return [name for name in KEPT if name not in names]


@blueprint.app_template_global()
def helpers():
    return {
        "page_url": page_url,
        "facet_url": facet_url,
        "date_input": date_input,
        "kept_except": kept_except,
        "max_query": MAX_QUERY,
    }


@blueprint.app_template_filter("vi_date")
def _vi_date(value):
    return vi_date(value)


@blueprint.app_template_filter("web_url")
def _web_url(value: str | None) -> str | None:
    """Only http(s) links from documents become links: never javascript: or data:."""
    return value if value and value.lower().startswith(("http://", "https://")) else None


@blueprint.app_template_filter("html")
def _trusted_html(value: str) -> Markup:
    # Snippets and highlighted text are built by indexer.snippets: every piece of
    # document text in them is already escaped, only <mark> is markup.
    return Markup(value)


@blueprint.get("/")
def index():
    fragment = request.args.get("fragment") == "1"
    template = "results.html" if fragment else "search.html"
    context = {
        "q": request.args.get("q", ""),
        "sort_labels": SORT_LABELS,
        "facet_labels": FACET_LABELS,
        "filter_labels": FILTER_LABELS,
        "result": None,
        "error": None,
    }
    try:
        context["result"] = get_engine().search(search_request(request.args))
        searched(context["result"])
        if not fragment:  # results as you type answer each pause: not searches
            record(context["result"])
    except InvalidRequest as exc:
        context["error"] = MESSAGES.get(exc.code, exc.message)
        return render_template(template, **context), 400
    except IndexNeedsRebuild:
        context["error"] = NEEDS_REBUILD
        return render_template(template, **context), 503
    except IndexNotFound:
        context["error"] = NO_INDEX
        return render_template(template, **context), 503
    return render_template(template, **context)


@blueprint.get("/document/<id:doc_id>")
def document_elsewhere(doc_id: str):
    """The document page under the name some links give it."""
    return redirect(url_for("pages.document", doc_id=doc_id, **request.args), 301)


@blueprint.get("/doc/<id:doc_id>")
def document(doc_id: str):
    q = request.args.get("q", "")
    try:
        found = get_engine().document(doc_id, q)
    except InvalidRequest as exc:
        abort(400, MESSAGES.get(exc.code, exc.message))
    except IndexNeedsRebuild:
        abort(503, NEEDS_REBUILD)
    except IndexNotFound:
        abort(503, NO_INDEX)
    if found is None:
        return render_template("missing.html", doc_id=doc_id, q=q), 404
    back = request.args.get("back", "")  # the results page's query string: same origin
    if back:
        back_url = url_for("pages.index") + "?" + back
    else:
        back_url = url_for("pages.index", q=q) if q else url_for("pages.index")
    shown = get_engine().related(doc_id, RELATED_SHOWN)
    related = shown.related if shown else []
    return render_template("document.html", doc=found, q=q, back_url=back_url, related=related)
