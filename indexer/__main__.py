"""Command line: build, update, stats, search, snapshot, restore, analytics. Argument parsing; the
work is in the library.

python -m indexer build  [--index DIR] SOURCE [SOURCE ...]
python -m indexer update [--index DIR] SOURCE [SOURCE ...]
python -m indexer stats  [--index DIR]
python -m indexer snapshot [--index DIR] OUT.tar
python -m indexer restore  [--index DIR] [--force] SNAPSHOT.tar
python -m indexer search [--index DIR] QUERY
python -m indexer analytics [--index DIR] [--days 7] [--kind popular|no_results|slow]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys

from . import settings
from .search import analytics
from .search.request import PARAMETERS, SORTS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m indexer",
        description="Index Vietnamese news articles and search them.",
        epilog="settings (environment):\n" + settings.describe(),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def with_index(name, help_, **options):
        command = commands.add_parser(name, help=help_, description=help_, **options)
        where = "the index directory, or the OpenSearch alias (default: VNSEARCH_INDEX)"
        command.add_argument("--index", metavar="DIR|NAME", help=where)
        command.add_argument(
            "--backend", choices=settings.BACKENDS, help=settings.BY_NAME["backend"].help
        )
        command.add_argument(
            "--opensearch-url", metavar="URL[,URL...]", help=settings.BY_NAME["opensearch_url"].help
        )
        return command

    for name, help_ in (
        (
            "build",
            "rebuild the index from SOURCEs; the old index serves until the new one is complete",
        ),
        ("update", "add new, re-index changed and delete vanished documents"),
    ):
        command = with_index(name, help_)
        command.add_argument(
            "sources",
            nargs="+",
            metavar="SOURCE",
            help="a folder of .txt articles, or a .jsonl[.gz] file",
        )
        command.add_argument("--quiet", action="store_true", help="no progress bar and no summary")
        command.add_argument(
            "--strict", action="store_true", help="fail, publishing nothing, if any input fails"
        )
        command.add_argument("--workers", help=settings.BY_NAME["workers"].help)
        command.add_argument("--abbreviations", metavar="FILE", help="extra abbreviations")
        command.add_argument("--shards", help=settings.BY_NAME["shards"].help)
        command.add_argument("--replicas", help=settings.BY_NAME["replicas"].help)

    with_index("stats", "print the index's documents, fields, size and last build as JSON")

    command = with_index(
        "snapshot",
        "write a consistent copy of the index, its journal's tasks and its synonyms and"
        " curations to a tar file, while it serves and takes writes; print what it holds",
    )
    command.add_argument("out", metavar="OUT.tar", help="the snapshot file to write")
    command = with_index(
        "restore",
        "make the index from a snapshot file, to answer as the original did when it was taken",
    )
    command.add_argument("archive", metavar="SNAPSHOT.tar", help="a file of `snapshot`")
    command.add_argument(
        "--force", action="store_true", help="replace the index there (default: refuse)"
    )

    command = with_index("analytics", "print what readers searched, as the server recorded it")
    command.add_argument(
        "--days",
        help=f"the days looked back, today (UTC) included (default: {analytics.DAYS}; at most"
        " VNSEARCH_ANALYTICS_DAYS)",
    )
    command.add_argument(
        "--kind",
        choices=analytics.KINDS,
        default="popular",
        help="popular: most searched first; no_results: those that found nothing; slow:"
        " slowest first (default: popular)",
    )
    command.add_argument(
        "--limit", help=f"rows at most, 1 to {analytics.MAX_LIMIT} (default: {analytics.LIMIT})"
    )
    command.add_argument(
        "--json", action="store_true", help="print the report as GET /api/analytics/searches"
    )

    # No -h: argparse would read "-hà" (exclude "hà") as -h with an argument.
    command = with_index("search", "search the index and print ranked results", add_help=False)
    command.add_argument("--help", action="help", help="show this help message and exit")
    for parameter in PARAMETERS:
        if parameter.name == "q":
            command.add_argument("query", nargs="*", help=parameter.help)
        elif parameter.name == "sort":
            command.add_argument("--sort", choices=SORTS, help="default: VNSEARCH_DEFAULT_SORT")
        elif parameter.kind == "boolean" and parameter.default:
            flag, negated = f"--no-{parameter.name}", f"{parameter.name}=false: {parameter.help}"
            command.add_argument(flag, dest=parameter.name, action="store_false", help=negated)
        elif parameter.kind == "boolean":
            command.add_argument(f"--{parameter.name}", action="store_true", help=parameter.help)
        else:
            command.add_argument(f"--{parameter.name.replace('_', '-')}", help=parameter.help)
    command.add_argument("--json", action="store_true", help="print the result as JSON")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv[:1] == ["search"]:  # a lone -h still asks for help
        argv = ["--help" if arg == "-h" else arg for arg in argv]
    parser = _parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command == "search":  # "-word" excludes a word: it is query text
        args.query += extra
    elif extra:
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    from . import open_backend
    from .indexing.errors import IndexBusy, IndexNotFound

    names = ("index", "backend", "opensearch_url", "workers", "abbreviations", "shards")
    flags = {name: getattr(args, name, None) for name in (*names, "replicas")}
    try:
        config = settings.Settings.load(flags)
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if args.command == "analytics":  # the log beside the index: no backend to open
        return _analytics(config, args)
    backend = open_backend(config)
    try:
        if args.command in ("build", "update"):
            return _index(backend, config, args)
        if args.command == "stats":
            print(json.dumps(backend.stats(), ensure_ascii=False, indent=2))
            return 0
        if args.command in ("snapshot", "restore"):
            return _backup(backend, args)
        return _search(backend, args, config.search_defaults())
    except IndexNotFound as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except IndexBusy as error:
        print(f"error: {error}", file=sys.stderr)
        return 3


def _backup(backend, args) -> int:
    from .indexing.errors import BackupError
    from .opensearch.client import ClusterError

    try:
        if args.command == "snapshot":
            done = backend.snapshot(args.out)
        else:
            done = backend.restore(args.archive, force=args.force)
    except BackupError as error:  # not a snapshot, an index in the way: the user's to fix
        print(f"error: {error}", file=sys.stderr)
        return 2
    except (OSError, ClusterError) as error:  # a full disk, the cluster refusing
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(json.dumps(done, ensure_ascii=False, indent=2))
    return 0


def _index(backend, config, args) -> int:
    run = backend.build if args.command == "build" else backend.update
    try:
        summary = run(
            args.sources,
            workers=config.workers,
            quiet=args.quiet,
            strict=args.strict,
            abbreviations=config.abbreviations,
            max_bytes=config.max_file_mb * 1024 * 1024,
        )
    except (OSError, ValueError) as error:  # an unreadable abbreviations file, a full disk
        print(f"error: {error}", file=sys.stderr)
        return 1
    if not summary.published:
        return 1
    if args.strict and (summary.failed or summary.skipped):
        return 1
    return 0 if summary.indexed + summary.unchanged + summary.deleted or not summary.failed else 1


def _analytics(config, args) -> int:
    from . import open_search_log
    from .search.request import InvalidRequest

    params = {"days": args.days, "kind": args.kind, "limit": args.limit}
    try:
        search_log = open_search_log(config)
        report = analytics.Report.from_params(params, search_log.keep_days)
    except settings.SettingError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except InvalidRequest as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    if not search_log.path.exists():
        print(f"no searches recorded yet in {search_log.path}", file=sys.stderr)
    answer = search_log.answer(report)
    if args.json:
        print(json.dumps(answer, ensure_ascii=False, indent=2))
        return 0
    since = answer["since"]
    print(f"{report.kind} searches of the last {report.days} days (since {since}, UTC)")
    print(analytics.table(answer["rows"]))
    return 0


_MARK = re.compile(r"<mark>(.*?)</mark>", re.DOTALL)


def _terminal(html: str, bold: bool) -> str:
    from html import unescape

    text = _MARK.sub(
        lambda m: f"\033[1;33m{m.group(1)}\033[0m" if bold else f"[{m.group(1)}]", html
    )
    return unescape(text)


def _search(backend, args, defaults: dict) -> int:
    from .search.request import InvalidRequest, SearchRequest
    from .search.results import to_json

    params = {p.name: getattr(args, p.name) for p in PARAMETERS if p.name != "q"}
    params["q"] = " ".join(args.query)
    try:
        result = backend.search(SearchRequest.from_params(params, defaults))
    except InvalidRequest as error:
        print(f"error: {error.message}", file=sys.stderr)
        return 2
    if args.json:
        print(json.dumps(to_json(result), ensure_ascii=False, indent=2))
        return 0
    bold = sys.stdout.isatty()
    print(f"{result.total:,} results ({result.took_ms:.1f} ms)")
    if result.searched_as:
        print(f"Đang hiển thị kết quả cho {result.searched_as}. Tìm chính xác: --verbatim")
    if result.suggestion:
        offer = "Có phải bạn muốn tìm" if result.total else "Thử tìm"
        print(f"{offer}: {result.suggestion}")
    if result.relaxed:
        print(f"Không có bài nào chứa đủ các từ “{result.query}”; kết quả gần đúng:")
    for number, hit in enumerate(result.hits, result.start + 1):
        meta = " · ".join(x for x in (hit.date, hit.author, hit.source, ", ".join(hit.place)) if x)
        score = f"  [{hit.score:.2f}]" if hit.score is not None else ""
        print(f"\n{number}. {_terminal(hit.title_html, bold)}{score}")
        print(f"   {hit.id}" + (f" · {meta}" if meta else ""))
        print(f"   {_terminal(hit.snippet, bold)}")
        if hit.similar and hit.similar.total:
            print(f"   và {hit.similar.total} bài tương tự: --story {hit.story} --no-collapse")
    return 0


def run() -> int:
    """main(), quiet when the reader goes away (`search ... | head`)."""
    try:
        return main()
    except BrokenPipeError:
        # Python would complain again while flushing stdout at exit: point it at devnull
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(run())
