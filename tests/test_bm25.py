"""BM25F over posting arrays gives Whoosh's own scores; document sets are exact."""

import numpy as np
import pytest
from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer import bm25, ranking, storage
from indexer.docsets import DocSets


@pytest.fixture(scope="module")
def searcher(seed_index):
    with storage.open_index(seed_index).searcher(weighting=BM25F(B=bm25.B, K1=bm25.K1)) as s:
        yield s


def _terms(searcher, text):
    run = ranking.analyse(text, searcher.schema["body_w"].analyzer)
    return ranking.scoring(run)


@pytest.mark.parametrize("text", ["tổ chức đảng", "Tỉnh ủy Gia Lai", "Ban Chấp hành khóa XIII"])
def test_scores_equal_whoosh_bm25f(searcher, text):
    terms = _terms(searcher, text)
    assert len(terms) > 3
    ours, cut = bm25.Scorer(searcher).scores(terms)
    assert not cut
    theirs = {hit.docnum: hit.score for hit in searcher.search(wq.Or(terms), limit=None)}
    assert set(np.flatnonzero(ours).tolist()) == set(theirs)
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9)


def test_postings_are_the_terms_documents_and_frequencies(searcher):
    scorer = bm25.Scorer(searcher)
    ids, weights = scorer.postings("body_s", "đảng")
    matcher = searcher.reader().postings("body_s", "đảng")
    expected = []
    while matcher.is_active():  # a caption's occurrence weighs 0.5
        expected.append((matcher.id(), matcher.weight()))
        matcher.next()
    assert ids.tolist() == [docnum for docnum, _ in expected]
    assert weights.tolist() == pytest.approx([weight for _, weight in expected])
    assert len(scorer.postings("body_s", "không-có-từ-này")[0]) == 0
    assert len(scorer.postings("no_such_field", "đảng")[0]) == 0


def test_an_expired_deadline_cuts_the_sum_short(searcher):
    terms = _terms(searcher, "tổ chức đảng")
    scores, cut = bm25.Scorer(searcher).scores(terms, expired=lambda: True)
    assert cut
    assert not scores.any()


def test_document_sets(searcher):
    scorer = bm25.Scorer(searcher)
    sets = DocSets(searcher, scorer.postings)
    reader = searcher.reader()
    dang = set(reader.postings("body_s", "đảng").all_ids())
    to = set(reader.postings("body_s", "tổ").all_ids())
    assert set(np.flatnonzero(sets.term("body_s", "đảng")).tolist()) == dang
    both = sets.need(ranking.Need("all", "s", ("đảng", "tổ"), ("body",)))
    either = sets.need(ranking.Need("any", "s", ("đảng", "tổ"), ("body",)))
    assert set(np.flatnonzero(both).tolist()) == dang & to
    assert set(np.flatnonzero(either).tolist()) == dang | to
    docnum = min(dang)
    assert sets.holds("body_s", "đảng", docnum)
    assert not sets.holds("body_s", "không-có-từ-này", docnum)
    assert np.count_nonzero(sets.everything()) == reader.doc_count()
