"""The full-text storage that Django's models cannot describe, per database vendor (ADR 0004).

SQLite: an external-content FTS5 table `search_fts` over `search_text`, kept in step by triggers.
PostgreSQL: a `tsv tsvector` column on `search_text` with a GIN index.
The SQL is written out here (not imported) so that this migration keeps doing what it did when later code
changes; `gongkai.search.backends.*.ensure_schema` repairs the same objects if something dropped them.
"""

from django.db import migrations

SQLITE_FORWARD = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, meta, body, attach, title_sub, sub, content='search_text', content_rowid='item_id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER search_text_ai AFTER INSERT ON search_text BEGIN "
    "INSERT INTO search_fts(rowid, title, meta, body, attach, title_sub, sub) "
    "VALUES (new.item_id, new.title, new.meta, new.body, new.attach, new.title_sub, new.sub); END",
    "CREATE TRIGGER search_text_ad AFTER DELETE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body, attach, title_sub, sub) "
    "VALUES ('delete', old.item_id, old.title, old.meta, old.body, old.attach, old.title_sub, old.sub); END",
    "CREATE TRIGGER search_text_au AFTER UPDATE ON search_text BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, meta, body, attach, title_sub, sub) "
    "VALUES ('delete', old.item_id, old.title, old.meta, old.body, old.attach, old.title_sub, old.sub); "
    "INSERT INTO search_fts(rowid, title, meta, body, attach, title_sub, sub) "
    "VALUES (new.item_id, new.title, new.meta, new.body, new.attach, new.title_sub, new.sub); END",
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS search_text_au",
    "DROP TRIGGER IF EXISTS search_text_ad",
    "DROP TRIGGER IF EXISTS search_text_ai",
    "DROP TABLE IF EXISTS search_fts",
]
POSTGRESQL_FORWARD = [
    "ALTER TABLE search_text ADD COLUMN tsv tsvector",
    "CREATE INDEX search_text_tsv ON search_text USING gin (tsv)",
]
POSTGRESQL_BACKWARD = [
    "DROP INDEX IF EXISTS search_text_tsv",
    "ALTER TABLE search_text DROP COLUMN IF EXISTS tsv",
]


def _run(statements):
    def run(apps, schema_editor):
        vendor = schema_editor.connection.vendor
        if vendor not in statements:
            raise RuntimeError(f"全文检索不支持数据库 {vendor}（仅支持 SQLite 和 PostgreSQL）。")
        for sql in statements[vendor]:
            schema_editor.execute(sql, params=None)

    return run


class Migration(migrations.Migration):
    dependencies = [
        ("search", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_FORWARD, "postgresql": POSTGRESQL_FORWARD}),
            _run({"sqlite": SQLITE_BACKWARD, "postgresql": POSTGRESQL_BACKWARD}),
        ),
    ]
