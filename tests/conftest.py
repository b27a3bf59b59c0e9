"""Project-wide test fixtures."""

from __future__ import annotations

import uuid

import pytest


@pytest.fixture(autouse=True)
def _isolated_cache(settings):
    """A fresh in-memory cache per test.

    The configured cache is shared (a file cache under the data directory, or Redis), and it outlives
    the test database's rollback: a value cached during one test (e.g. the working-day schedule after an
    edit) would otherwise leak into the next test, or into the developer's running instance.
    """
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": f"gongkai-test-{uuid.uuid4().hex}",
        }
    }


def pytest_configure(config):
    """Fast password hashing in tests (the production hasher is deliberately slow)."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
