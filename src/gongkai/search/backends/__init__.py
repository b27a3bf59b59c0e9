"""Search backends, one module per database; `get_backend` picks the one for the connection's vendor."""

from __future__ import annotations

from django.db import connection as default_connection
from django.db.backends.base.base import BaseDatabaseWrapper

from gongkai.search.backends.base import SearchBackend

BACKENDS = {
    "sqlite": "gongkai.search.backends.sqlite.SQLiteBackend",
    "postgresql": "gongkai.search.backends.postgresql.PostgreSQLBackend",
}


def get_backend(connection: BaseDatabaseWrapper | None = None) -> SearchBackend:
    from django.utils.module_loading import import_string

    connection = connection or default_connection
    path = BACKENDS.get(connection.vendor)
    if path is None:
        raise RuntimeError(f"全文检索不支持数据库 {connection.vendor}（仅支持 SQLite 和 PostgreSQL）。")
    backend_class: type[SearchBackend] = import_string(path)
    return backend_class(connection)
