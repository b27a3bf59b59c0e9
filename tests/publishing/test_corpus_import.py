"""Real documents: a sample of ../shared/corpus converted by bench/convert_corpus.py imports without a rejection.

Skips when ../shared/corpus is not there (the corpus is never copied into this repository)."""

from __future__ import annotations

import importlib.util
import json
import sys
from io import StringIO
from pathlib import Path
from types import ModuleType

import pytest
from django.core.management import call_command

from gongkai.orgs.codes import org_code_error
from gongkai.orgs.models import Organization
from gongkai.publishing.models import InfoItem, ItemRelation

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"

pytestmark = pytest.mark.django_db


def load_converter() -> ModuleType:
    """bench/ is not a package: load the script by path (registered, so its dataclasses resolve)."""
    name = "gongkai_bench_convert_corpus"
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.spec_from_file_location(name, REPO / "bench" / "convert_corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def run(*args: str) -> tuple[int, str]:
    err = StringIO()
    try:
        call_command(*args, stdout=StringIO(), stderr=err)
    except SystemExit as exc:
        return (exc.code if isinstance(exc.code, int) else 1), err.getvalue()
    return 0, err.getvalue()


@pytest.fixture
def corpus() -> Path:
    if not (CORPUS / "hebei").is_dir() or not (CORPUS / "laws").is_dir():
        pytest.skip(f"真实语料不在 {CORPUS}（../shared/corpus 不存在），跳过语料导入测试。")
    return CORPUS


def test_corpus_sample_imports_without_rejections(corpus, tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    convert = load_converter()
    csvs = convert.hebei_csvs(corpus)
    # Two files with different columns: 发文日期/效力状态/主题, and 时间/一级类别/附件链接.
    chosen = [p for p in csvs if "省政府办公厅文件" in p.name or "国家政策文件" in p.name][:2]
    assert len(chosen) == 2
    laws = convert.law_files(corpus)
    step = max(1, len(laws) // 50)
    sample_laws = laws[::step][:50]  # spread over 行政法规, 部门规章 and the provinces
    stats = convert.convert(corpus, tmp_path / "data", csv_files=chosen, csv_limit=50, law_paths=sample_laws)
    lines = (tmp_path / "data" / "items.jsonl").read_text(encoding="utf-8").splitlines()
    assert stats.items == len(lines) >= 140

    status, err = run("import", "orgs", str(tmp_path / "data" / "orgs.jsonl"))
    assert status == 0, err
    assert Organization.objects.count() == stats.orgs

    status, err = run("import", "items", str(tmp_path / "data" / "items.jsonl"))
    assert status == 0, err
    assert f"导入 {len(lines)} 条，跳过 0 条" in err
    assert InfoItem.objects.filter(status="published", is_historical=True).count() == len(lines)
    assert not InfoItem.objects.filter(index_no__isnull=True).exists()
    # Every relation the converter made points at a document of the sample.
    assert not ItemRelation.objects.filter(target__isnull=True).exists()

    # Idempotent on the real data too.
    status, err = run("import", "items", str(tmp_path / "data" / "items.jsonl"))
    assert status == 0 and f"导入 {len(lines)} 条，跳过 0 条" in err
    assert InfoItem.objects.count() == len(lines)
    assert set(InfoItem.objects.values_list("revision", flat=True)) == {1}


def test_converter_is_deterministic(corpus, tmp_path):
    convert = load_converter()
    csvs = convert.hebei_csvs(corpus)[:1]
    laws = convert.law_files(corpus)[:5]
    for name in ("a", "b"):
        convert.convert(corpus, tmp_path / name, csv_files=csvs, csv_limit=10, law_paths=laws)
    for file in ("orgs.jsonl", "items.jsonl"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()
    for line in (tmp_path / "a" / "orgs.jsonl").read_text(encoding="utf-8").splitlines():
        assert org_code_error(json.loads(line)["code"]) is None
