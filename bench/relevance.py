"""Relevance on the judged sets: our engine beside a plain syllable BM25, in one run.

    PYTHONPATH=. python bench/relevance.py [--sets alqac2023 xquad-r-vi] [--limit N]
        [--variants titled no-titles lowercased no-titles-lowercased] [--no-titles]
        [--work DIR] [--rebuild] [--workers N] [--json PATH] [--data DIR]

For each set (a folder with corpus.jsonl, dev/queries.jsonl and dev/qrels.tsv) and each
variant of its corpus (as given; every record's title removed; every letter lower-cased;
both), this builds our index of the corpus and a baseline index, runs every query twice,
as written and with every diacritic removed (indexer.language.text.fold: đ→d, lower
case), and prints nDCG@10, MRR@10, Recall@100 and Recall@10 as a Markdown table. Queries
without a relevant judged document are skipped. Indexes are cached under --work (a
temporary folder by default) and rebuilt when the corpus file changes or with --rebuild;
rebuild after changing the analysis. --no-titles runs the no-titles variant alone.

The baseline is the one the data README measures: lower-cased `\\w+` tokens (syllables,
no segmentation, no folding), an OR of the query's tokens (a repeated token counts
again, as in Lucene or rank_bm25), Whoosh BM25F with k1=1.2, b=0.75, over title and text
joined into one field, as our index sees both.
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh import query as wq
from whoosh.analysis import LowercaseFilter, RegexTokenizer
from whoosh.fields import ID, TEXT, Schema
from whoosh.scoring import BM25F

from indexer import open_backend
from indexer.language.text import fold
from indexer.search.request import InvalidRequest, SearchRequest
from indexer.settings import Settings

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "eval"
SETS = ("alqac2023", "xquad-r-vi")
DEPTH = 100  # hits fetched per query: the engine's largest page
CUTOFF = 10
TIME_LIMIT = 60.0  # seconds: relevance is measured here, not speed, so no partial answers
FORMS = {"written": lambda q: q, "no-diacritics": fold}
STAMP = "corpus.json"


def _untitled(doc: dict) -> dict:
    return {k: v for k, v in doc.items() if k != "title"}


def _lowercased(doc: dict) -> dict:
    return {k: v.lower() if k in ("title", "text") else v for k, v in doc.items()}


# How a set's records are changed before they are indexed, by both systems alike.
VARIANTS = {
    "titled": lambda doc: doc,
    "no-titles": _untitled,
    "lowercased": _lowercased,
    "no-titles-lowercased": lambda doc: _lowercased(_untitled(doc)),
}


# --- the judged set ---------------------------------------------------------------------


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as lines:
        return [json.loads(line) for line in lines if line.strip()]


def read_qrels(path: Path) -> dict[str, dict[str, int]]:
    """Return {query id: {doc id: relevance}} from a TSV file with a header line."""
    judged: dict[str, dict[str, int]] = defaultdict(dict)
    with path.open(encoding="utf-8") as lines:
        next(lines)
        for line in lines:
            if line.strip():
                query_id, doc_id, relevance = line.rstrip("\n").split("\t")
                judged[query_id][doc_id] = int(relevance)
    return judged


# --- metrics ----------------------------------------------------------------------------


def ndcg(ranked: list[str], judged: dict[str, int], k: int = CUTOFF) -> float:
    """nDCG@k with linear gains and a log2 discount; the ideal ranking comes from the qrels."""
    dcg = sum(judged.get(d, 0) / math.log2(i + 2) for i, d in enumerate(ranked[:k]))
    ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:k]
    best = sum(r / math.log2(i + 2) for i, r in enumerate(ideal))
    return dcg / best if best else 0.0


def first_relevant(ranked: list[str], judged: dict[str, int]) -> int | None:
    """The 1-based rank of the first relevant document, or None."""
    return next((i + 1 for i, d in enumerate(ranked) if judged.get(d, 0) > 0), None)


def recall(ranked: list[str], judged: dict[str, int], k: int) -> float:
    relevant = {d for d, r in judged.items() if r > 0}
    return len(relevant.intersection(ranked[:k])) / len(relevant)


def scores(ranked: list[str], judged: dict[str, int]) -> dict[str, float]:
    rank = first_relevant(ranked, judged)
    return {
        "nDCG@10": ndcg(ranked, judged),
        "MRR@10": 1 / rank if rank and rank <= CUTOFF else 0.0,
        "Recall@100": recall(ranked, judged, DEPTH),
        "Recall@10": recall(ranked, judged, CUTOFF),
    }


# --- the two systems --------------------------------------------------------------------


def _fresh(folder: Path, corpus: Path, rebuild: bool) -> bool:
    """Tell whether *folder* holds an index built from this very corpus file."""
    stamp = folder / STAMP
    if rebuild or not stamp.exists():
        return False
    return json.loads(stamp.read_text()) == _describe(corpus)


def _describe(corpus: Path) -> dict:
    info = corpus.stat()
    return {"corpus": str(corpus.resolve()), "size": info.st_size, "mtime_ns": info.st_mtime_ns}


def ours(folder: Path, corpus: Path, rebuild: bool, workers: int | None, kind: str = "whoosh"):
    """Return search(text) -> ranked ids over our index of *corpus* on the backend *kind*,
    building it if needed (an OpenSearch index is named after *folder*)."""
    index = str(folder)
    if kind == "opensearch":
        index = "relevance-" + "-".join(folder.parts[-3:]).lower().replace("_", "-")
    config = Settings.load({"index": index, "backend": kind, "time_limit": TIME_LIMIT})
    backend = open_backend(config)
    folder.mkdir(parents=True, exist_ok=True)
    if not _fresh(folder, corpus, rebuild):
        summary = backend.build([corpus], workers=workers, quiet=True)
        print(f"  ours: {summary.line()}", flush=True)
        if not summary.published:
            raise SystemExit(f"the index of {corpus} was not published: {summary.problems[:3]}")
        (folder / STAMP).write_text(json.dumps(_describe(corpus)))

    def search(text: str) -> list[str]:
        try:
            result = backend.search(SearchRequest(q=text, page=1, per_page=DEPTH))
        except InvalidRequest:  # too long a query: the engine refuses it, nothing found
            return []
        if result.partial:
            raise TimeoutError(f"partial answer after {result.took_ms:.0f} ms")
        return [hit.id for hit in result.hits]

    return search


def baseline_analyzer():
    return RegexTokenizer(r"\w+") | LowercaseFilter()


def baseline(folder: Path, corpus: Path, rebuild: bool):
    """Return search(text) -> ranked ids over a plain syllable BM25 index of *corpus*."""
    if not _fresh(folder, corpus, rebuild):
        folder.mkdir(parents=True, exist_ok=True)
        schema = Schema(id=ID(stored=True), text=TEXT(analyzer=baseline_analyzer()))
        ix = whoosh_index.create_in(folder, schema)
        with ix.writer(limitmb=256) as writer:
            for doc in read_jsonl(corpus):
                text = "\n\n".join(filter(None, (doc.get("title"), doc["text"])))
                writer.add_document(id=doc["id"], text=text)
        (folder / STAMP).write_text(json.dumps(_describe(corpus)))
    searcher = whoosh_index.open_dir(folder).searcher(weighting=BM25F(K1=1.2, B=0.75))
    analyzer = baseline_analyzer()

    def search(text: str) -> list[str]:
        terms = [wq.Term("text", token.text) for token in analyzer(text)]
        if not terms:
            return []
        return [hit["id"] for hit in searcher.search(wq.Or(terms), limit=DEPTH)]

    return search


# --- a run ------------------------------------------------------------------------------


def evaluate(search, queries: list[dict], qrels) -> dict:
    """Mean scores, per-query first-relevant ranks and timings of *search* in each form."""
    out = {}
    for form, rewrite in FORMS.items():
        per_query, ranks, seconds, errors = [], {}, [], {}
        for query in queries:
            started = time.perf_counter()
            try:
                ranked = search(rewrite(query["text"]))
            except Exception as error:  # an engine bug costs its query, not the run
                errors[query["id"]] = f"{type(error).__name__} {error}".strip()
                ranked = []
            seconds.append(time.perf_counter() - started)
            per_query.append(scores(ranked, qrels[query["id"]]))
            ranks[query["id"]] = first_relevant(ranked, qrels[query["id"]])
        means = {m: statistics.fmean(s[m] for s in per_query) for m in per_query[0]}
        out[form] = {
            **means,
            "queries": len(queries),
            "latency_ms": 1000 * statistics.fmean(seconds),
            "errors": errors,
            "first_relevant": ranks,
        }
    return out


def variant_corpus(corpus: Path, variant: str, work: Path) -> Path:
    """The corpus file of one variant (the set's own file for "titled")."""
    if variant == "titled":
        return corpus
    path = work / f"corpus-{variant}.jsonl"
    lines = [json.dumps(VARIANTS[variant](doc), ensure_ascii=False) for doc in read_jsonl(corpus)]
    text = "\n".join(lines) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        work.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return path


def run_set(name: str, variant: str, args) -> dict:
    """Build (or reuse) both indexes of one set's variant; evaluate both systems on it."""
    root = args.data / name
    qrels = read_qrels(root / "dev" / "qrels.tsv")
    queries = read_jsonl(root / "dev" / "queries.jsonl")[: args.limit]
    judged = [q for q in queries if any(r > 0 for r in qrels.get(q["id"], {}).values())]
    skipped = len(queries) - len(judged)
    print(f"## {name}, {variant}: {len(judged)} queries ({skipped} skipped)", flush=True)
    work = args.work / name / variant
    corpus = variant_corpus(root / "corpus.jsonl", variant, work)
    systems = {}
    for kind in args.backends:
        name = "ours" if kind == "whoosh" else f"ours ({kind})"
        systems[name] = ours(work / f"ours-{kind}", corpus, args.rebuild, args.workers, kind)
        systems[name]("warm up")  # opening the index and its vocabulary is not a query's cost
    systems["baseline"] = baseline(work / "baseline", corpus, args.rebuild)
    results = {system: evaluate(search, judged, qrels) for system, search in systems.items()}
    return {"queries": len(judged), "skipped": len(queries) - len(judged), "results": results}


# --- report -----------------------------------------------------------------------------


def table(outcome: dict) -> str:
    metrics = ("nDCG@10", "MRR@10", "Recall@100", "Recall@10")
    lines = [
        "| system | query form | " + " | ".join(metrics) + " | queries |",
        "| --- | --- | " + "---: | " * len(metrics) + "---: |",
    ]
    for system, forms in outcome["results"].items():
        for form, got in forms.items():
            cells = " | ".join(f"{got[m]:.3f}" for m in metrics)
            lines.append(f"| {system} | {form} | {cells} | {got['queries']} |")
    return "\n".join(lines)


def summary(outcome: dict) -> str:
    ours_, base = outcome["results"].get("ours"), outcome["results"]["baseline"]
    if ours_ is None:
        ours_ = next(v for k, v in outcome["results"].items() if k.startswith("ours"))
    diffs = ", ".join(
        f"{form} {ours_[form]['nDCG@10'] - base[form]['nDCG@10']:+.3f}" for form in FORMS
    )
    written = ours_["written"]["nDCG@10"]
    ratio = ours_["no-diacritics"]["nDCG@10"] / written if written else float("nan")
    latency = ", ".join(f"{form} {ours_[form]['latency_ms']:.1f} ms" for form in FORMS)
    lines = [
        f"- nDCG@10 ours − baseline: {diffs}",
        f"- ours no-diacritics / written nDCG@10: {ratio:.3f}",
        f"- our mean query latency (per_page={DEPTH}, with snippets and facets): {latency}",
    ]
    for system, forms in outcome["results"].items():
        for form, got in forms.items():
            for query_id, error in got["errors"].items():
                lines.append(
                    f"- error, scored as nothing found: {system} {form} {query_id}: {error}"
                )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sets", nargs="+", default=list(SETS), help="sets under --data")
    parser.add_argument("--data", type=Path, default=DATA, help="folder of the judged sets")
    parser.add_argument("--work", type=Path, help="folder to cache the indexes in")
    parser.add_argument("--rebuild", action="store_true", help="rebuild cached indexes")
    parser.add_argument("--workers", type=int, help="build processes (default: CPU count)")
    parser.add_argument("--limit", type=int, help="evaluate only the first N queries")
    parser.add_argument("--json", type=Path, help="write every number to this file")
    parser.add_argument(
        "--variants", nargs="+", default=list(VARIANTS), choices=list(VARIANTS),
        help="how the records are indexed (default: all)",
    )  # fmt: skip
    parser.add_argument("--no-titles", action="store_true", help="only --variants no-titles")
    parser.add_argument(
        "--backends", nargs="+", default=["whoosh"], choices=["whoosh", "opensearch"],
        help="the backends whose ranking is measured (opensearch: the local cluster)",
    )  # fmt: skip
    args = parser.parse_args()
    variants = ["no-titles"] if args.no_titles else args.variants
    with tempfile.TemporaryDirectory(prefix="relevance-") as scratch:
        args.work = args.work or Path(scratch)
        outcomes = {}
        for name in args.sets:
            for variant in variants:
                outcome = run_set(name, variant, args)
                outcomes[name if variant == "titled" else f"{name} {variant}"] = outcome
                print(f"\n{table(outcome)}\n\n{summary(outcome)}\n", flush=True)
    if args.json:
        args.json.write_text(json.dumps(outcomes, ensure_ascii=False, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
