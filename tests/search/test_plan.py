"""Query understanding: which words of a question score, and which count as names."""

import pytest

from indexer.language.analysis import analyse
from indexer.search.plan import scoring
from indexer.search.questions import question_mask
from indexer.search.rerank import longest_run


def kept(text):
    run = analyse(text)
    return [s for s, dropped in zip(run.syllables, question_mask(run)) if not dropped]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Luke Kuechly đã có bao nhiêu cú húc?", ["luke", "kuechly", "đã", "có", "cú", "húc"]),
        ("Tesla sinh ra ở đâu?", ["tesla", "sinh", "ra", "ở"]),
        (
            "Người nghiện ma túy bị xử lý, đúng hay sai?",
            ["người", "nghiện", "ma", "túy", "bị", "xử", "lý"],
        ),
        ("Kim tự tháp ở Ai Cập", ["kim", "tự", "tháp", "ở", "ai", "cập"]),  # Egypt, not "who"
        ("không khí ô nhiễm", ["không", "khí", "ô", "nhiễm"]),  # "không" asks only at the end
        ("bao nhiêu", ["bao", "nhiêu"]),  # nothing else to search for: keep it
        ("co bao nhieu nguoi", ["co", "nguoi"]),  # without diacritics, the phrases only
    ],
)
def test_question_words_do_not_score(query, expected):
    assert kept(query) == expected


def test_names_weigh_more():
    run = analyse("Marlee Matlin đã giành được giải thưởng nào?")
    boosts = {(t.field, t.representation, t.text): t.boost for t in scoring(run)}
    assert boosts[("body", "syllables", "matlin")] > boosts[("body", "syllables", "giành")]
    assert ("body", "syllables", "nào") not in boosts
    assert ("body", "pairs", "thưởng nào") not in boosts  # a dropped word breaks adjacency


@pytest.mark.parametrize(
    ("query", "text", "run"),
    [
        ("a b c d", "x a b c y d", 3),
        ("a b c d", "d c b a", 1),  # the query's order, not any order
        ("a b a b c", "a b c", 3),  # a repeated word restarts the run
        ("a b", "x y", 0),
        ("a b", "", 0),
        ("", "a b", 0),
        ("b c", "a b b c", 2),
    ],
)
def test_longest_run_of_the_query_standing_together(query, text, run):
    assert longest_run(tuple(query.split()), text.split()) == run
