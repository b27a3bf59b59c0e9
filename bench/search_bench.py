"""Search benchmark (issue 4): one generated corpus and its queries on SQLite, PostgreSQL, Whoosh and tantivy.

    .venv/bin/pip install -e '.[bench]'            # whoosh, jieba, tantivy (pinned in pyproject.toml)
    .venv/bin/python bench/generate_corpus.py --source /tmp/gk-bench/real --n 100000 --out /tmp/gk-bench/n100k
    .venv/bin/python bench/search_bench.py --corpus /tmp/gk-bench/n100k --work /tmp/gk-bench/work \\
        [--engines sqlite,postgresql,whoosh,tantivy] [--pg-url postgres://postgres@127.0.0.1:5432]

Each engine runs in a subprocess of its own (Django reads its database settings once per process), one after
the other, on the same corpus and queries, and prints one JSON line; the driver prints a Markdown table for
docs/performance.md and writes all figures to --work/results.json.

- sqlite / postgresql: Gongkai itself. `gongkai migrate`, `import orgs`, then `import items` timed end to end
  (the import rate: items, revisions, audit entries and the search index); then every query through
  `gongkai.search.selectors.search` (the search page's path: parse, plan, backend, load the ten items and
  their snippets), facets off. PostgreSQL gets a database of its own, dropped at the end.
- whoosh: Whoosh 2.7 with jieba's ChineseAnalyzer (the usual Python choice) on title, body and 文号, BM25F; the
  query through Whoosh's QueryParser (AND of the words). No 简繁 folding: that is what it does out of the box.
- tantivy: tantivy-py with Gongkai's own analysis (the fold and the word + sub-word streams of
  `Segmenter.streams`), whitespace-tokenized; title boosted; queries segmented the same way, a phrase as a
  phrase query. A reference for what this machine can do with a compiled engine.

Latency: every query once to warm up, then every query timed (wall clock, ranked top 10). Recall@10 of a query
is |top 10 ∩ relevant| / min(10, |relevant|); 文号 queries are reported apart (their target is 1.0).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
ENGINES = ("sqlite", "postgresql", "whoosh", "tantivy")


def load_queries(corpus: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in open(corpus / "queries.jsonl", encoding="utf-8") if line.strip()]


def iter_docs(corpus: Path):
    with open(corpus / "items.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                yield json.loads(line)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return 0.0
    k = (len(ordered) - 1) * p
    low, high = int(k), min(int(k) + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (k - low)


def measure(queries: list[dict[str, Any]], run_query) -> dict[str, Any]:
    """Warm-up pass, timed pass; latency percentiles and recall@10, overall and per kind."""
    for query in queries:
        run_query(query["q"])
    times: list[float] = []
    by_kind: dict[str, list[float]] = {}
    misses: list[dict[str, Any]] = []
    for query in queries:
        started = time.perf_counter()
        hits = run_query(query["q"])[:10]
        times.append((time.perf_counter() - started) * 1000)
        relevant = set(query["relevant"])
        if relevant:
            recall = len(set(hits) & relevant) / min(10, len(relevant))
        else:
            recall = 1.0 if not hits else 0.0
        by_kind.setdefault(query["kind"], []).append(recall)
        if recall < 1.0 and len(misses) < 15:
            misses.append({"kind": query["kind"], "q": query["q"], "recall": round(recall, 2)})
    general = [r for kind, values in by_kind.items() if kind != "doc_no" for r in values]
    return {
        "queries": len(queries),
        "p50_ms": round(percentile(times, 0.50), 2),
        "p95_ms": round(percentile(times, 0.95), 2),
        "p99_ms": round(percentile(times, 0.99), 2),
        "recall_at_10": round(statistics.mean(general), 3) if general else None,
        "doc_no_recall": round(statistics.mean(by_kind.get("doc_no", [1.0])), 3),
        "recall_by_kind": {kind: round(statistics.mean(v), 3) for kind, v in sorted(by_kind.items())},
        "misses": misses,
    }


def dir_size(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


# ---------------------------------------------------------------- engines (each in its own process)


def run_gongkai(engine: str, corpus: Path, work: Path, pg_url: str) -> dict[str, Any]:
    data_dir = work / engine
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir)}
    database = ""
    if engine == "postgresql":
        import psycopg

        database = f"gk_bench_{os.getpid()}"
        with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}"')
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{pg_url}/{database}"
    else:
        env.pop("DATABASE_URL", None)
    command = [sys.executable, "-c", "from gongkai.cli import main; main()"]
    try:
        for args in (["migrate", "-v0"], ["import", "orgs", str(corpus / "orgs.jsonl")]):
            subprocess.run([*command, *args], env=env, check=True, capture_output=True)
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run(
            [*command, "import", "items", str(corpus / "items.jsonl")],
            env=env,
            capture_output=True,
            text=True,
        )
        seconds = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
        if done.returncode not in (0, 1):
            raise RuntimeError(done.stderr[-2000:])
        summary = [line for line in done.stderr.splitlines() if line.startswith("导入 ")]

        os.environ.update({k: v for k, v in env.items() if k in ("GONGKAI_DATA_DIR", "DATABASE_URL")})
        if engine == "sqlite":
            os.environ.pop("DATABASE_URL", None)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gongkai.settings")
        import django

        django.setup()
        from django.db import connection

        from gongkai.search.params import parse_params
        from gongkai.search.selectors import search

        def run_query(q: str) -> list[str]:
            page = search(parse_params({"q": q, "page_size": "10"}), facets=False)
            return [hit.item.external_id or "" for hit in page.hits]

        result = measure(load_queries(corpus), run_query)
        with connection.cursor() as cursor:
            if engine == "sqlite":
                try:
                    cursor.execute("SELECT SUM(pgsize) FROM dbstat WHERE name LIKE 'search%'")
                    index_bytes = int(cursor.fetchone()[0] or 0)
                except Exception:  # dbstat not compiled in: the whole file
                    index_bytes = (data_dir / "gongkai.sqlite3").stat().st_size
            else:
                cursor.execute(
                    "SELECT pg_total_relation_size('search_text') + pg_total_relation_size('search_document')"
                )
                index_bytes = int(cursor.fetchone()[0])
        connection.close()
        return {
            **result,
            "import_seconds": round(seconds, 1),
            "import_cpu_seconds": round(cpu, 1),
            "import_summary": summary[-1] if summary else "",
            "index_bytes": index_bytes,
        }
    finally:
        if database:
            import psycopg

            with psycopg.connect(f"{pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def run_whoosh(corpus: Path, work: Path) -> dict[str, Any]:
    from jieba.analyse import ChineseAnalyzer
    from whoosh import index, qparser, scoring
    from whoosh.fields import ID, TEXT, Schema

    path = work / "whoosh"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    analyzer = ChineseAnalyzer()
    schema = Schema(
        external_id=ID(stored=True, unique=True),
        title=TEXT(analyzer=analyzer, field_boost=3.0),
        body=TEXT(analyzer=analyzer),
        doc_no=TEXT(analyzer=analyzer),
    )
    ix = index.create_in(str(path), schema)
    started, cpu_started = time.perf_counter(), time.process_time()
    writer = ix.writer(limitmb=256, procs=1)
    count = 0
    for doc in iter_docs(corpus):
        writer.add_document(
            external_id=doc["external_id"],
            title=doc["title"],
            body=doc.get("body_text", ""),
            doc_no=doc["doc_no"],
        )
        count += 1
    writer.commit()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    searcher = ix.searcher(weighting=scoring.BM25F())
    parser = qparser.MultifieldParser(["title", "body", "doc_no"], schema=ix.schema, group=qparser.AndGroup)

    def run_query(q: str) -> list[str]:
        hits = searcher.search(parser.parse(q), limit=10)
        return [hit["external_id"] for hit in hits]

    result = measure(load_queries(corpus), run_query)
    return {
        **result,
        "import_seconds": round(seconds, 1),
        "import_cpu_seconds": round(cpu, 1),
        "docs": count,
        "index_bytes": dir_size(path),
    }


def run_tantivy(corpus: Path, work: Path) -> dict[str, Any]:
    import tantivy

    sys.path.insert(0, str(REPO / "src"))
    from gongkai.core.docno import normalize_doc_no
    from gongkai.search.text import MARK, Segmenter, vocabulary

    segmenter = Segmenter(vocabulary())
    path = work / "tantivy"
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    builder = tantivy.SchemaBuilder()
    builder.add_text_field("external_id", stored=True, tokenizer_name="raw")
    builder.add_text_field("doc_no", tokenizer_name="raw")
    for name in ("title", "title_sub", "body", "sub"):
        builder.add_text_field(name, tokenizer_name="whitespace")
    schema = builder.build()
    ix = tantivy.Index(schema, path=str(path))
    started, cpu_started = time.perf_counter(), time.process_time()
    writer = ix.writer(heap_size=256 << 20, num_threads=1)
    count = 0
    for doc in iter_docs(corpus):
        title, title_sub = segmenter.streams(doc["title"])
        body, sub = segmenter.streams(doc.get("body_text", ""))
        writer.add_document(
            tantivy.Document(
                external_id=doc["external_id"],
                doc_no=normalize_doc_no(doc["doc_no"]),
                title=title,
                title_sub=title_sub,
                body=body,
                sub=sub,
            )
        )
        count += 1
    writer.commit()
    writer.wait_merging_threads()
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    ix.reload()
    searcher = ix.searcher()

    from gongkai.search.query import doc_no_candidate

    def run_query(q: str) -> list[str]:
        candidate = doc_no_candidate(q)
        if candidate and candidate[0] == "exact":
            query = tantivy.Query.term_query(schema, "doc_no", candidate[1])
        else:
            phrase = q.startswith('"')
            words = [w for w in segmenter.words_of(q.strip('"')) if w != MARK]
            if not words:
                return []
            # One-character words are often the ends of words cut in half (a fragment): the longer ones find
            # the documents, as Gongkai's SQLite backend does before its text check (which tantivy lacks).
            words = [w for w in words if len(w) > 1] or words
            if phrase and len(words) > 1:
                text = '"' + " ".join(words) + '"'
                query = ix.parse_query(f"title:{text}^3 OR body:{text}")
            else:
                parts = [f"(title:{w}^3 OR title_sub:{w}^2 OR body:{w} OR sub:{w})" for w in words]
                query = ix.parse_query(" AND ".join(parts))
        hits = searcher.search(query, 10).hits
        return [searcher.doc(address)["external_id"][0] for _, address in hits]

    result = measure(load_queries(corpus), run_query)
    return {
        **result,
        "import_seconds": round(seconds, 1),
        "import_cpu_seconds": round(cpu, 1),
        "docs": count,
        "index_bytes": dir_size(path),
    }


# ---------------------------------------------------------------- driver


def child(engine: str, corpus: Path, work: Path, pg_url: str) -> None:
    if engine in ("sqlite", "postgresql"):
        result = run_gongkai(engine, corpus, work, pg_url)
    elif engine == "whoosh":
        result = run_whoosh(corpus, work)
    else:
        result = run_tantivy(corpus, work)
    print(json.dumps({"engine": engine, **result}, ensure_ascii=False))


def table(n: int, results: list[dict[str, Any]]) -> str:
    reference = next((r for r in results if r["engine"] == "tantivy"), None)
    lines = [
        "| Engine | N | Build (docs/s, wall) | Build (docs per CPU s) | Index size | p50 (ms) | p95 (ms) | p99 (ms) "
        "| Recall@10 | 文号 recall | p95 vs tantivy |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        if "error" in r:
            lines.append(f"| {r['engine']} | {n} | error: {r['error'][:60]} |")
            continue
        rate = n / r["import_seconds"] if r["import_seconds"] else 0
        cpu = r.get("import_cpu_seconds")
        cpu_rate = f"{n / cpu:,.0f}" if cpu else ""
        ratio = f"{r['p95_ms'] / reference['p95_ms']:.1f}×" if reference and reference.get("p95_ms") else ""
        lines.append(
            f"| {r['engine']} | {n:,} | {rate:,.0f} | {cpu_rate} | {r['index_bytes'] / 1e6:,.0f} MB | "
            f"{r['p50_ms']} | {r['p95_ms']} | {r['p99_ms']} | {r['recall_at_10']} | {r['doc_no_recall']} | {ratio} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--work", type=Path, required=True)
    parser.add_argument("--engines", default=",".join(ENGINES))
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--child", choices=ENGINES, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.work.mkdir(parents=True, exist_ok=True)
    if args.child:
        child(args.child, args.corpus, args.work, args.pg_url)
        return
    meta = json.loads((args.corpus / "meta.json").read_text(encoding="utf-8"))
    results = []
    for engine in args.engines.split(","):
        sys.stderr.write(f"[{time.strftime('%H:%M:%S')}] {engine} …\n")
        done = subprocess.run(
            [
                sys.executable,
                __file__,
                "--corpus",
                str(args.corpus),
                "--work",
                str(args.work),
                "--pg-url",
                args.pg_url,
                "--child",
                engine,
            ],
            capture_output=True,
            text=True,
        )
        lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
        if done.returncode or not lines:
            results.append(
                {"engine": engine, "error": done.stderr.strip().splitlines()[-1] if done.stderr else "?"}
            )
            sys.stderr.write(done.stderr[-3000:])
        else:
            results.append(json.loads(lines[-1]))
        sys.stderr.write(json.dumps(results[-1], ensure_ascii=False) + "\n")
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "cores": os.cpu_count(),
        "load_average": os.getloadavg(),
        "n": meta["n"],
        "results": results,
    }
    (args.work / "results.json").write_text(
        json.dumps(report, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    print(table(meta["n"], results))


if __name__ == "__main__":
    main()
