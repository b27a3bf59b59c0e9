"""The segmentation dictionary: the government vocabulary (data/vocabulary.txt) plus every agency's 机关代字.

One Segmenter per process. Each call looks the agencies' 机关代字 up again (one small query) and adds new ones,
so that every process of an installation segments the same way. Words are only ever added: a 机关代字 that
was removed stays in a running process until it restarts. Documents indexed before a word was added keep
their old segmentation until `gongkai search reindex`.
"""

from __future__ import annotations

import threading

from gongkai.orgs.models import Organization
from gongkai.search.text import Segmenter, vocabulary

_lock = threading.Lock()
_segmenter: Segmenter | None = None


def doc_prefixes() -> list[str]:
    return [
        p.strip()
        for p in Organization.objects.exclude(doc_prefix="").values_list("doc_prefix", flat=True).distinct()
        if p.strip()
    ]


def segmenter() -> Segmenter:
    """The process's Segmenter, with the 机关代字 of the agencies now in the database."""
    global _segmenter
    prefixes = doc_prefixes()
    with _lock:
        if _segmenter is None:
            _segmenter = Segmenter([*vocabulary(), *prefixes])
        elif not Segmenter.usable(prefixes) <= _segmenter.words:
            _segmenter.add_words(prefixes)
        return _segmenter
