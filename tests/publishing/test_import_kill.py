"""`gongkai import items` killed with SIGKILL mid-run and run again: nothing lost, nothing duplicated (issue 4).

A real subprocess imports a generated file in small batches; the test waits until some batches are committed,
kills it with `kill -9`, runs the import again and checks the items, their revisions and audit entries, the
search index and the 索引号. On SQLite (a file database in a temporary directory) and, when the suite runs on
PostgreSQL (DATABASE_URL), on a database of its own created for the test.
"""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

LINES = 3000
BATCH = 50
ORG = "000014349"
WORDS = "政府 信息 公开 教育 医疗 保障 住房 城乡 居民 最低生活保障 行政 规范性 文件 通知 办法 实施 方案 工作".split()


def write_files(directory: Path) -> tuple[Path, Path]:
    rnd = random.Random(4)
    orgs = directory / "orgs.jsonl"
    orgs.write_text(
        json.dumps(
            {
                "code": ORG,
                "name": "示例市人民政府",
                "kind": "government",
                "level": "city",
                "doc_prefix": "示政办",
            },
            ensure_ascii=False,
        )
        + "\n",
        encoding="utf-8",
    )
    items = directory / "items.jsonl"
    with open(items, "w", encoding="utf-8") as fh:
        for n in range(LINES):
            body = "，".join("".join(rnd.choices(WORDS, k=8)) for _ in range(30))
            line = {
                "external_id": f"kill:{n}",
                "org": ORG,
                "title": f"关于{rnd.choice(WORDS)}{rnd.choice(WORDS)}的通知（第{n}号）",
                "body_text": body,
                "doc_no": f"示政办发〔2024〕{n + 1}号",
                "published_at": f"2024-{n % 12 + 1:02d}-{n % 28 + 1:02d}",
                "columns": ["法定主动公开内容/通知公告"],
            }
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
    return orgs, items


def gongkai(env: dict[str, str], *args: str) -> list[str]:
    return [sys.executable, "-c", "from gongkai.cli import main; main()", *args]


def run(env: dict[str, str], *args: str, timeout: int = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        gongkai(env, *args), env=env, capture_output=True, text=True, timeout=timeout, check=False
    )


class Target:
    """A database the subprocesses use, and plain SQL on it from the test."""

    def __init__(self, env: dict[str, str], query: Callable[[str], list[tuple[Any, ...]]]) -> None:
        self.env = env
        self.query = query

    def scalar(self, sql: str) -> Any:
        return self.query(sql)[0][0]


def sqlite_target(tmp_path: Path) -> Iterator[Target]:
    env = {**os.environ, "GONGKAI_DATA_DIR": str(tmp_path / "data")}
    env.pop("DATABASE_URL", None)
    path = tmp_path / "data" / "gongkai.sqlite3"

    def query(sql: str) -> list[tuple[Any, ...]]:
        if not path.exists():
            return [(0,)]
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30) as conn:
            try:
                return conn.execute(sql).fetchall()
            except sqlite3.OperationalError:  # not migrated yet
                return [(0,)]

    yield Target(env, query)


def postgresql_target(tmp_path: Path) -> Iterator[Target]:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        pytest.skip("the PostgreSQL run needs DATABASE_URL (the suite running on PostgreSQL)")
    import psycopg

    base, _, name = url.rpartition("/")
    name = f"{name.split('?')[0]}_kill9_{os.getpid()}"
    admin = f"{base}/postgres"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    env = {**os.environ, "GONGKAI_DATA_DIR": str(tmp_path / "data"), "DATABASE_URL": f"{base}/{name}"}

    def query(sql: str) -> list[tuple[Any, ...]]:
        with psycopg.connect(f"{base}/{name}") as conn:
            try:
                return list(conn.execute(sql).fetchall())
            except psycopg.errors.UndefinedTable:
                return [(0,)]

    try:
        yield Target(env, query)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, tmp_path) -> Iterator[Target]:
    factory = sqlite_target if request.param == "sqlite" else postgresql_target
    yield from factory(tmp_path)


def test_import_killed_mid_run_completes_when_run_again(target, tmp_path):
    orgs, items = write_files(tmp_path)
    for args in (("migrate", "-v0"), ("import", "orgs", str(orgs))):
        done = run(target.env, *args)
        assert done.returncode == 0, done.stderr

    command = gongkai(target.env, "import", "items", str(items), "--batch-size", str(BATCH))
    process = subprocess.Popen(command, env=target.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 300
        stored = 0
        while stored < 3 * BATCH and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
            stored = target.scalar("SELECT COUNT(*) FROM publishing_infoitem")
        assert process.poll() is None, "the import ended before it could be killed"
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == -signal.SIGKILL

    killed_at = target.scalar("SELECT COUNT(*) FROM publishing_infoitem")
    assert 3 * BATCH <= killed_at < LINES
    assert killed_at % BATCH == 0, "a batch is one transaction: whole batches only"
    assert target.scalar("SELECT COUNT(*) FROM search_document") == killed_at

    again = run(target.env, "import", "items", str(items), "--batch-size", str(BATCH))
    assert again.returncode == 0, again.stderr
    assert f"导入 {LINES} 条，跳过 0 条" in again.stderr

    count = target.scalar
    assert count("SELECT COUNT(*) FROM publishing_infoitem") == LINES
    assert count("SELECT COUNT(DISTINCT external_id) FROM publishing_infoitem") == LINES
    assert count("SELECT COUNT(DISTINCT index_no) FROM publishing_infoitem") == LINES
    assert count("SELECT COUNT(*) FROM publishing_itemrevision") == LINES  # revision 1 each, no second
    assert (
        count("SELECT COUNT(DISTINCT object_id) FROM core_auditentry WHERE action = 'item.import'") == LINES
    )
    assert count("SELECT COUNT(*) FROM core_auditentry WHERE action = 'item.import'") == LINES
    assert count("SELECT COUNT(*) FROM publishing_infoitem_columns") == LINES
    assert count("SELECT COUNT(*) FROM search_document") == LINES
    assert count("SELECT COUNT(*) FROM search_text") == LINES
    # Every item is found by its own 文号 through the search command (the full-text path, not just rows).
    for n in (0, killed_at - 1, killed_at, LINES - 1):
        found = run(target.env, "search", f"示政办发〔2024〕{n + 1}号", "--json")
        assert found.returncode == 0, found.stderr
        hits = [hit["external_id"] for hit in json.loads(found.stdout)["results"]]
        assert hits == [f"kill:{n}"]
