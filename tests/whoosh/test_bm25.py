"""BM25F over posting arrays gives Whoosh's own scores; document sets are exact."""

import pickle
import random

import numpy as np
import pytest
from whoosh import fields
from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.scoring import BM25F

from indexer.language.analysis import analyse
from indexer.search import plan as ranking
from indexer.whoosh import bm25, storage
from indexer.whoosh.analyzers import table_of
from indexer.whoosh.docsets import DocSets
from indexer.whoosh.format import ids_and_weights
from indexer.whoosh.schema import fieldname


@pytest.fixture(scope="module")
def searcher(seed_index):
    with storage.open_index(seed_index).searcher(weighting=BM25F(B=bm25.B, K1=bm25.K1)) as s:
        yield s


def _terms(searcher, text):
    run = analyse(text, table_of(searcher.schema))
    return [(fieldname(t.field, t.representation), t.text, t.boost) for t in ranking.scoring(run)]


@pytest.mark.parametrize("text", ["tổ chức đảng", "Tỉnh ủy Gia Lai", "Ban Chấp hành khóa XIII"])
def test_scores_equal_whoosh_bm25f(searcher, text):
    terms = _terms(searcher, text)
    assert len(terms) > 3
    ours, cut = bm25.Scorer(searcher).scores(terms)
    assert not cut
    query = wq.Or([wq.Term(name, text, boost=boost) for name, text, boost in terms])
    theirs = {hit.docnum: hit.score for hit in searcher.search(query, limit=None)}
    assert set(np.flatnonzero(ours).tolist()) == set(theirs)
    for docnum, score in theirs.items():
        assert ours[docnum] == pytest.approx(score, rel=1e-9)


def test_postings_are_the_terms_documents_and_frequencies(searcher):
    scorer = bm25.Scorer(searcher)
    ids, weights = scorer.postings("body_s", "đảng")[:2]
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
    both = sets.need(ranking.Need("all", "syllables", ("đảng", "tổ"), ("body",)))
    either = sets.need(ranking.Need("any", "syllables", ("đảng", "tổ"), ("body",)))
    assert set(np.flatnonzero(both).tolist()) == dang & to
    assert set(np.flatnonzero(either).tolist()) == dang | to
    assert np.count_nonzero(sets.everything()) == reader.doc_count()


@pytest.mark.parametrize("count", [1, 2, 3, 4, 128])
@pytest.mark.parametrize("weights", ["ones", "same", "varied"])
@pytest.mark.parametrize("protocol", [2, 3])  # Whoosh's writer, ours
def test_block_ids_and_weights_read_from_the_pickle_equal_unpickling(count, weights, protocol):
    rng = random.Random(count)
    for _ in range(20):  # deltas of every width: 1, 2 and 4 bytes in the pickle
        deltas = tuple(rng.choice([0, 1, 7, 255, 256, 65535, 65536, 10**6]) for _ in range(count))
        values = tuple(bytes([rng.randrange(256)]) * rng.randrange(4) for _ in range(count))
        stored = {
            "ones": None,
            "same": 2.5,
            "varied": tuple(rng.choice([0.5, 1.0, 3.0]) for _ in range(count)),
        }[weights]
        if weights == "varied" and len(set(stored)) == 1:
            stored = (0.5, *stored[1:]) if count > 1 else 0.5
        data = pickle.dumps((deltas, stored, values), protocol)
        ids, read = ids_and_weights(data, count)
        assert ids.tolist() == np.cumsum(deltas).tolist()
        expected = [1.0] * count if stored is None else stored
        expected = [expected] * count if isinstance(expected, float) else expected
        assert read.tolist() == pytest.approx(list(expected))


@pytest.fixture(scope="module")
def many_blocks(tmp_path_factory):
    """An index of two segments whose terms span many posting blocks, with gaps of every size."""
    path = tmp_path_factory.mktemp("blocks")
    schema = fields.Schema(text=fields.TEXT(phrase=True), n=fields.ID(stored=True))
    ix = whoosh_index.create_in(path, schema)
    rng = random.Random(5)
    for segment in range(2):
        with ix.writer() as writer:
            for n in range(700):
                words = ["common"] * rng.randint(1, 4) + ["filler"] * rng.randint(0, 3)
                if n % 300 == 0:
                    words.append("rare")
                if rng.random() < 0.3:
                    words.append("some")
                rng.shuffle(words)
                writer.add_document(text=" ".join(words), n=f"{segment}:{n}", _text_boost=1.0)
    return ix


@pytest.mark.parametrize("word", ["common", "some", "rare", "filler"])
def test_postings_over_many_blocks_and_segments_equal_whooshs(many_blocks, word):
    with many_blocks.searcher() as searcher:
        scorer = bm25.Scorer(searcher)
        assert len(scorer.leaves) == 2
        term = scorer.postings("text", word)
        matcher = searcher.reader().postings("text", word)
        expected = []
        while matcher.is_active():
            expected.append((matcher.id(), matcher.weight()))
            matcher.next()
        assert len(expected) > 2 * 128 or word == "rare"  # several blocks in each segment
        assert term.ids.tolist() == [docnum for docnum, _ in expected]
        assert term.tf.tolist() == pytest.approx([weight for _, weight in expected])


def test_bm25_plus_gives_a_matching_term_a_floor():
    idf, fl = 2.0, np.array([5.0, 50.0, 5000.0])
    plain = bm25.bm25(idf, np.ones(3), fl, avgfl=10.0)
    plus = bm25.bm25(idf, np.ones(3), fl, avgfl=10.0, delta=bm25.DELTA)
    assert plus.tolist() == pytest.approx((plain + bm25.DELTA * idf).tolist())
    assert plain[2] < 0.01 * idf <= bm25.DELTA * idf < plus[2]  # a very long text still counts


@pytest.fixture(scope="module")
def topical(tmp_path_factory):
    """Twenty documents: "topic" in eight of them, "answer" in three."""
    ix = whoosh_index.create_in(
        tmp_path_factory.mktemp("topical"), fields.Schema(text=fields.TEXT(), n=fields.ID())
    )
    with ix.writer() as writer:
        for n in range(20):
            words = ["filler"] * (3 + n % 4)
            words += ["topic"] * (n < 8) + ["answer"] * (n in (6, 7, 12))
            writer.add_document(text=" ".join(words), n=str(n))
    return ix


def test_a_term_held_by_every_best_document_counts_less(topical):
    with topical.searcher() as searcher:
        scorer = bm25.Scorer(searcher)
        terms = [("text", "topic", 1.0), ("text", "answer", 1.0)]
        plain, _ = scorer.scores(terms)
        local, _ = scorer.scores(terms, local=bm25.LOCAL_K)
        only_topic, only_answer, both = 0, 12, 6
        # the topic is in 8 of the 11 documents scored, the answer in 3: its share grows
        assert local[only_topic] / plain[only_topic] < local[only_answer] / plain[only_answer]
        assert local[only_answer] / plain[only_answer] < 1.0  # nothing weighs more than before
        assert int(np.argmax(local)) in (both, 7)  # the two holding both words lead
        assert set(np.flatnonzero(local).tolist()) == set(np.flatnonzero(plain).tolist())
        one, _ = scorer.scores(terms[:1], local=bm25.LOCAL_K)
        assert one.tolist() == scorer.scores(terms[:1])[0].tolist()  # one term: nothing to weigh
