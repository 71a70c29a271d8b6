"""The query algebra (search.algebra) means one thing on every backend: trees of nodes,
generated, select the same documents with the same totals and facet counts on Whoosh and
on OpenSearch, and rank them alike by their boosts."""

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from indexer.search.algebra import (
    AllOf,
    AnyOf,
    AtLeast,
    Boost,
    Dated,
    Everything,
    Field,
    Not,
    Ranking,
    Search,
)
from indexer.search.plan import Need
from indexer.search.request import Deadline

pytestmark = pytest.mark.opensearch  # both backends at once

SYLLABLES = ["bão", "báo", "bảo", "số", "ba", "hội", "nghị", "đảng", "tổ", "chức"]
FOLDED = ["bao", "so", "ba", "hoi", "nghi", "dang", "to", "chuc"]
AUTHORS = ["Thu Hằng", "Minh Anh"]
PLACES = ["Gia Lai", "Lạng Sơn", "Cà Mau"]
ARTICLES = [
    {
        "id": f"a{n:02d}",
        "title": " ".join(SYLLABLES[(n + k) % len(SYLLABLES)] for k in range(2)).capitalize(),
        "text": ". ".join(
            " ".join(SYLLABLES[(n * 3 + k * 7 + j) % len(SYLLABLES)] for j in range(3 + n % 3))
            for k in range(2 + n % 2)
        )
        + ".",
        **({"date": f"20{10 + n % 9:02d}-0{1 + n % 9}-1{n % 10}"} if n % 5 else {}),
        **({"author": AUTHORS[n % 2]} if n % 3 else {}),
        **({"place": PLACES[n % 3]} if n % 4 else {}),
    }
    for n in range(24)
]
DATE_KEYS = [20100101, 20130615, 20150101, 20180301, 20191231]


@pytest.fixture(scope="module")
def views(make_backend, tmp_path_factory):
    source = tmp_path_factory.mktemp("algebra") / "articles.jsonl"
    source.write_text("\n".join(json.dumps(a, ensure_ascii=False) for a in ARTICLES) + "\n")
    whoosh = make_backend("whoosh", [source], "algebra")
    cluster = make_backend("opensearch", [source], "algebra")
    return whoosh.view(), cluster.view()


def needs():
    exact = st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=3)
    folded = st.lists(st.sampled_from(FOLDED), min_size=1, max_size=3)
    fields = st.sampled_from([("title", "body"), ("title",), ("body",)])
    return st.one_of(
        st.builds(
            lambda kind, terms, f: Need(kind, "syllables", tuple(terms), f),
            st.sampled_from(["all", "any", "phrase"]),
            exact,
            fields,
        ),
        st.builds(
            lambda kind, terms, f: Need(kind, "folded", tuple(terms), f),
            st.sampled_from(["all", "any", "phrase"]),
            folded,
            fields,
        ),
    )


def leaves():
    return st.one_of(
        needs(),
        st.builds(Field, st.just("author"), st.sampled_from(AUTHORS)),
        st.builds(Field, st.just("place"), st.sampled_from(PLACES)),
        st.builds(
            lambda a, b: Dated(min(a, b), max(a, b)),
            st.sampled_from(DATE_KEYS),
            st.sampled_from(DATE_KEYS),
        ),
        st.just(Everything()),
    )


def trees():
    def grow(children):
        group = st.lists(children, min_size=1, max_size=3).map(tuple)
        return st.one_of(
            st.builds(AllOf, group),
            st.builds(AnyOf, group),
            st.builds(Not, children),
            group.flatmap(lambda g: st.builds(AtLeast, st.integers(1, len(g)), st.just(g))),
        )

    return st.recursive(leaves(), grow, max_leaves=6)


def found(view, node, ranking=None):
    search = Search(node, ranking or Ranking(), "relevance" if ranking else "newest", 100)
    answer = view.find(search, Deadline(60))
    ids = [view.stored(ref)["id"] for ref, _ in answer.ranked]
    return answer, ids


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(node=trees())
def test_both_backends_select_the_same_documents(views, node):
    whoosh, cluster = views
    assert whoosh.count(node) == cluster.count(node)
    here, here_ids = found(whoosh, node)
    there, there_ids = found(cluster, node)
    assert here.total == there.total == whoosh.count(node)
    assert sorted(here_ids) == sorted(there_ids)
    assert {k: v for k, v in here.counts["year"].items() if v} == there.counts["year"]
    assert {k: v for k, v in here.counts["place"].items() if v} == there.counts["place"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    node=trees(),
    boosted=st.lists(trees(), min_size=1, max_size=3),
    base=st.sampled_from([0.0, 10.0]),
)
def test_both_backends_add_the_same_boosts(views, node, boosted, base):
    whoosh, cluster = views
    ranking = Ranking(boosts=[Boost(100.0 * (k + 1), b) for k, b in enumerate(boosted)], base=base)
    scores = []
    for view in (whoosh, cluster):
        answer, ids = found(view, node, ranking)
        scores.append({i: s for i, (_, s) in zip(ids, answer.ranked)})
    assert scores[0].keys() == scores[1].keys()
    for doc, score in scores[0].items():
        assert score == pytest.approx(scores[1][doc]), doc


def test_the_corpus_gives_the_trees_something_to_tell_apart(views):
    whoosh, _ = views
    counts = {whoosh.count(Need("all", "syllables", (s,))) for s in SYLLABLES}
    assert len(counts) > 3 and 0 < whoosh.count(Field("author", "Thu Hằng")) < len(ARTICLES)
