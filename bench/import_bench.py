"""Import rate of `gongkai import items` end to end (issue 4): first import, then the unchanged re-import.

    .venv/bin/python bench/convert_corpus.py --out /tmp/gk-bench/real          # the real corpus (../shared)
    .venv/bin/python bench/import_bench.py --corpus /tmp/gk-bench/real [--database sqlite|postgresql]
    .venv/bin/python bench/generate_corpus.py --source /tmp/gk-bench/real --n 100000 --out /tmp/gk-bench/n100k
    .venv/bin/python bench/import_bench.py --corpus /tmp/gk-bench/n100k --database postgresql

--corpus is a directory with orgs.jsonl and items.jsonl (convert_corpus.py or generate_corpus.py output). A
fresh database each run: a data directory under --work (SQLite), or a database of its own on --pg-url
(PostgreSQL), dropped at the end. The commands run as the operator would run them (`gongkai migrate`,
`gongkai import orgs`, `gongkai import items`); the time is the wall clock of the items import, and the rate
counts the file's lines. On a machine shared with other jobs the wall clock says little: the CPU time of the
import process is reported too (docs per CPU second = the rate of one idle core; for PostgreSQL the server's
own work is not in it). Prints one JSON line.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--database", choices=("sqlite", "postgresql"), default="sqlite")
    parser.add_argument("--pg-url", default="postgres://postgres@127.0.0.1:5432")
    parser.add_argument("--work", type=Path, default=Path("/tmp/gk-import-bench"))
    parser.add_argument("--batch-size", type=int, default=1000)
    args = parser.parse_args()

    items = args.corpus / "items.jsonl"
    lines = sum(1 for line in open(items, "rb") if line.strip())
    data_dir = args.work / args.database
    shutil.rmtree(data_dir, ignore_errors=True)
    data_dir.mkdir(parents=True)
    env = {**os.environ, "GONGKAI_DATA_DIR": str(data_dir)}
    env.pop("DATABASE_URL", None)
    database = ""
    if args.database == "postgresql":
        import psycopg

        database = f"gk_import_bench_{os.getpid()}"
        with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{database}"')
        env["DATABASE_URL"] = f"{args.pg_url}/{database}"
    command = [sys.executable, "-c", "from gongkai.cli import main; main()"]
    try:
        subprocess.run([*command, "migrate", "-v0"], env=env, check=True, capture_output=True)
        subprocess.run(
            [*command, "import", "orgs", str(args.corpus / "orgs.jsonl")],
            env=env,
            check=True,
            capture_output=True,
        )
        runs = {}
        for name in ("first", "again"):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            started = time.perf_counter()
            done = subprocess.run(
                [*command, "import", "items", str(items), "--batch-size", str(args.batch_size)],
                env=env,
                capture_output=True,
                text=True,
            )
            seconds = time.perf_counter() - started
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            summary = [line for line in done.stderr.splitlines() if line.startswith("导入 ")]
            runs[name] = {
                "seconds": round(seconds, 1),
                "docs_per_s": round(lines / seconds),
                # The import process's own CPU time (not the PostgreSQL server's): what one idle core does.
                "cpu_seconds": round(cpu, 1),
                "docs_per_cpu_s": round(lines / cpu) if cpu else None,
                "exit": done.returncode,
                "summary": summary[-1] if summary else done.stderr[-300:],
            }
        size = sum(f.stat().st_size for f in data_dir.rglob("*") if f.is_file())
        print(
            json.dumps(
                {
                    "database": args.database,
                    "lines": lines,
                    "batch_size": args.batch_size,
                    **runs,
                    "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024),
                    "sqlite_bytes": size if args.database == "sqlite" else None,
                    "cores": os.cpu_count(),
                    "load_average": [round(x, 1) for x in os.getloadavg()],
                    "date": time.strftime("%Y-%m-%d %H:%M"),
                },
                ensure_ascii=False,
            )
        )
    finally:
        if database:
            import psycopg

            with psycopg.connect(f"{args.pg_url}/postgres", autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


if __name__ == "__main__":
    main()
