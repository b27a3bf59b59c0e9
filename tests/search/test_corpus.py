"""Real documents: a sample of ../shared/corpus, converted by bench/convert_corpus.py and imported, is found by
fragments of its titles. Skips when ../shared/corpus is absent (the corpus is never copied into the repository)."""

from __future__ import annotations

import importlib.util
import random
import sys
from io import StringIO
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

from gongkai.publishing.models import InfoItem
from gongkai.search.dictionary import segmenter
from gongkai.search.params import parse_params
from gongkai.search.query import STOPWORDS
from gongkai.search.selectors import search

pytestmark = pytest.mark.django_db

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"


def load_converter() -> ModuleType:
    """bench/ is not a package: load the converter script by path (registered, so its dataclasses resolve)."""
    name = "gongkai_bench_convert_corpus"
    if name not in sys.modules:
        spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "convert_corpus.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        sys.modules[name] = module
        spec.loader.exec_module(module)
    return sys.modules[name]


@pytest.fixture
def corpus():
    if not (CORPUS / "hebei").is_dir() or not (CORPUS / "laws").is_dir():
        pytest.skip(f"真实语料不在 {CORPUS}（../shared/corpus 不存在），跳过语料检索测试。")
    return CORPUS


def fragment(words: list[str], rng: random.Random) -> list[str]:
    """Two or three consecutive words of a title (what a person would type), stopwords left out."""
    start = rng.randrange(max(1, len(words) - 2))
    return [w for w in words[start : start + 3] if w not in STOPWORDS]


def found(item: InfoItem, q: str) -> bool:
    page = search(parse_params({"q": q, "org": item.org.code, "page_size": "100"}), facets=False)
    return item.pk in {hit.item.pk for hit in page.hits}


def test_corpus_sample_is_found_by_title_fragments(corpus, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    convert = load_converter()
    csvs = [p for p in convert.hebei_csvs(corpus) if "省政府办公厅文件" in p.name or "教育厅" in p.name][:3]
    laws = convert.law_files(corpus)
    convert.convert(
        corpus,
        tmp_path / "data",
        csv_files=csvs,
        csv_limit=40,
        law_paths=laws[:: max(1, len(laws) // 30)][:30],
    )
    for what in ("orgs", "items"):
        call_command(
            "import", what, str(tmp_path / "data" / f"{what}.jsonl"), stdout=StringIO(), stderr=StringIO()
        )
    items = list(InfoItem.objects.filter(status="published").select_related("org").order_by("pk"))
    assert len(items) >= 60

    rng = random.Random(20261123)
    seg = segmenter()
    missed: list[tuple[str, str]] = []
    for item in rng.sample(items, 60):
        words = [w for w in seg.words_of(item.title) if len(w) >= 2 or w.isdigit()]
        if not words:
            continue
        terms = fragment(words, rng)
        if not found(item, " ".join(terms)):
            missed.append((item.title, " ".join(terms)))
        if len(terms) >= 2 and not found(item, '"' + "".join(terms) + '"'):
            # A phrase only when the words stand together in the title.
            if "".join(terms) in item.title:
                missed.append((item.title, "".join(terms)))
    assert missed == []
