"""The pool-less segment writer writes what Whoosh's own writer writes, posting by posting."""

import pytest
from whoosh import index as whoosh_index
from whoosh.writing import SegmentWriter

from indexer.articles.sources import read
from indexer.whoosh.document import DocumentMaker
from indexer.whoosh.schema import build_schema
from indexer.whoosh.writer import PostingsWriter

from ..conftest import CORPUS

pytestmark = pytest.mark.slow  # writes the seeds 40 times over, twice

COPIES = 40  # of each seed article: common terms then span several posting blocks


@pytest.fixture(scope="module")
def documents():
    maker = DocumentMaker(build_schema())
    docs = []
    for copy in range(COPIES):
        for record in read([CORPUS]):
            doc, _ = maker.make(record)
            doc["id"] = f"{doc['id']}-{copy}"
            doc["serial"] = f"run:{len(docs)}"
            docs.append(doc)
    return docs


def _write(path, writer_class, documents):
    ix = whoosh_index.create_in(path, build_schema())
    writer = writer_class(ix)
    for doc in documents:
        writer.add_document(**doc)
    writer.commit()
    return whoosh_index.open_dir(path)


@pytest.fixture(scope="module")
def both(tmp_path_factory, documents):
    theirs = _write(tmp_path_factory.mktemp("whoosh"), SegmentWriter, documents)
    ours = _write(tmp_path_factory.mktemp("ours"), PostingsWriter, documents)
    with theirs.reader() as a, ours.reader() as b:
        yield a, b


def _postings(reader, fieldname, term):
    matcher = reader.postings(fieldname, term)
    found = []
    while matcher.is_active():
        found.append((matcher.id(), matcher.weight(), matcher.value()))
        matcher.next()
    return found


def test_same_terms_postings_and_statistics(both):
    theirs, ours = both
    assert list(ours.all_terms()) == list(theirs.all_terms())
    blocks = 0
    for fieldname, term in theirs.all_terms():
        a, b = theirs.term_info(fieldname, term), ours.term_info(fieldname, term)
        assert (b.weight(), b.doc_frequency(), b.max_weight()) == (
            a.weight(),
            a.doc_frequency(),
            a.max_weight(),
        )
        assert (b.min_length(), b.max_length(), b.min_id(), b.max_id()) == (
            a.min_length(),
            a.max_length(),
            a.min_id(),
            a.max_id(),
        )
        assert _postings(ours, fieldname, term) == _postings(theirs, fieldname, term)
        blocks = max(blocks, a.doc_frequency() // 128)
    assert blocks >= 1  # some terms span more than one block


def test_same_lengths_and_stored_fields(both):
    theirs, ours = both
    assert ours.doc_count_all() == theirs.doc_count_all() == 5 * COPIES
    for fieldname in theirs.schema.scorable_names():
        assert ours.field_length(fieldname) == theirs.field_length(fieldname)
        for docnum in range(theirs.doc_count_all()):
            assert ours.doc_field_length(docnum, fieldname) == theirs.doc_field_length(
                docnum, fieldname
            )
    for docnum in range(theirs.doc_count_all()):
        assert ours.stored_fields(docnum) == theirs.stored_fields(docnum)


def test_it_writes_its_own_documents_and_merges_nothing(tmp_path, documents):
    ix = whoosh_index.create_in(tmp_path, build_schema())
    for start in (0, 5):
        writer = PostingsWriter(ix)
        for doc in documents[start : start + 5]:
            writer.add_document(**doc)
        writer.commit()  # by default Whoosh would merge the small segment before it
    ix = whoosh_index.open_dir(tmp_path)
    assert len(ix.reader().leaf_readers()) == 2
    assert ix.doc_count() == 10
    writer = PostingsWriter(ix)
    with pytest.raises(NotImplementedError):
        writer.commit(optimize=True)
    writer.cancel()
