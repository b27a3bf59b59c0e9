"""Convert the shared real corpus into Gongkai's import files (docs/formats.md).

    .venv/bin/python bench/convert_corpus.py [--corpus ../shared/corpus] [--out bench/data]
    GONGKAI_DATA_DIR=/tmp/gk-corpus .venv/bin/gongkai migrate
    GONGKAI_DATA_DIR=/tmp/gk-corpus .venv/bin/gongkai import orgs bench/data/orgs.jsonl
    GONGKAI_DATA_DIR=/tmp/gk-corpus .venv/bin/gongkai import items bench/data/items.jsonl

Writes `orgs.jsonl` (one agency per source site or law collection, with invented but valid
组织机构代码), `items.jsonl` and `stats.json` into --out. The corpus text is read from ../shared at run
time and never copied into the repository (bench/data/ is git-ignored).

Choices (see the report in stats.json):
- external_id: `hebei:<sha1(file#row)[:16]>`, `law:<sha1(relative path)[:16]>` — stable across runs.
- Bodies that are their own text twice (a scraping artefact, ~90 hebei rows) are de-duplicated: only the
  first copy is kept; `stats.json` counts them.
- Rows that repeat the CSV header (标题 == "标题") are skipped and counted.
- published_at: the row's date (发文日期/时间/日期, or the first date of 摘要); for laws the date in the file
  name (the version), else the metadata database, else the 公布/发布 line, else any date line of the head;
  an item with no date at all gets FALLBACK_DATE and is counted (`date_fallback`).
- 效力状态 → validity (有效/现行有效 valid, 失效 expired, 废止 repealed, 已修改/已修订 amended, 部分失效
  partially_invalid); a law marked `expired` in the metadata database → expired.
- 政策解读 rows whose title names a document in 《…》 get an `interprets` relation to the first converted
  document whose title contains that name (the target often comes later in the file: pending relations).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import html
import json
import re
import sqlite3
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
DEFAULT_OUT = REPO / "bench" / "data"
FALLBACK_DATE = "2000-01-01"

# Pure modules of the project (no Django import): the vocabularies and the code check.
sys.path.insert(0, str(REPO / "src"))
from gongkai.orgs.codes import org_code_error  # noqa: E402
from gongkai.publishing.metadata import GENRES, SUBJECTS  # noqa: E402

STATUTORY_COLUMN = "法定主动公开内容/行政法规、规章和规范性文件"
ANNUAL_REPORT_COLUMN = "政府信息公开年报"
VALIDITY = {
    "有效": "valid",
    "现行有效": "valid",
    "尚未生效": "not_yet_effective",
    "失效": "expired",
    "已失效": "expired",
    "废止": "repealed",
    "已废止": "repealed",
    "已修改": "amended",
    "已修订": "amended",
    "修改": "amended",
    "部分失效": "partially_invalid",
}
SUBJECT_FIXES = {"公路": "工业、交通\\公路", "组织机构": "综合政务\\组织机构"}
NORMATIVE_CATEGORIES = {"厅规范性文件", "规范性文件汇总表"}
HEBEI_AGENCIES = {
    "人民政府": ("河北省人民政府", "冀政"),
    "人力资源和社会保障厅": ("河北省人力资源和社会保障厅", "冀人社"),
    "科学技术厅": ("河北省科学技术厅", "冀科"),
    "工业和信息化厅": ("河北省工业和信息化厅", "冀工信"),
    "教育厅": ("河北省教育厅", "冀教"),
}
PROVINCES = {
    "上海": "上海市",
    "北京": "北京市",
    "重庆": "重庆市",
    "广东": "广东省",
    "浙江": "浙江省",
    "河南": "河南省",
    "山东": "山东省",
}

_CN_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_ISO_DATETIME = re.compile(r"(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?")
_DOC_NO_START = re.compile(r"^\s*([\u4e00-\u9fa5]{1,15}[〔\[【（(［]\d{4}[〕\]】）)］]第?\d{1,5}号)")
_ORDER_NO = re.compile(r"([\u4e00-\u9fa5、]{2,40}?(?:令|公告)(?:〔\d{4}〕)?第\d{1,5}号)")
_TITLE_NAME = re.compile(r"[《<〈]([^》>〉]{4,80})[》>〉]")
_FILE_DATE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)$")


@dataclass
class Stats:
    items: int = 0
    orgs: int = 0
    by_source: Counter[str] = field(default_factory=Counter)
    date_fallback: int = 0
    date_from_metadata: int = 0
    deduped_bodies: int = 0
    empty_bodies: int = 0
    header_rows_skipped: int = 0
    relations: int = 0
    attachments: int = 0
    validity: Counter[str] = field(default_factory=Counter)

    def as_dict(self) -> dict[str, Any]:
        return {
            "items": self.items,
            "orgs": self.orgs,
            "by_source": dict(self.by_source),
            "date_fallback": self.date_fallback,
            "date_from_metadata": self.date_from_metadata,
            "deduped_bodies": self.deduped_bodies,
            "empty_bodies": self.empty_bodies,
            "header_rows_skipped": self.header_rows_skipped,
            "relations": self.relations,
            "attachments": self.attachments,
            "validity": dict(self.validity),
        }


# ---------------------------------------------------------------- agencies


def org_code_check_char(body: str) -> str:
    """GB 11714 check character of an 8-character 组织机构代码 body (digits here)."""
    total = sum(int(c) * w for c, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    value = 11 - total % 11
    return {10: "X", 11: "0"}.get(value, str(value))


class Orgs:
    """One agency per source, with a deterministic valid 组织机构代码 (8 digits from a hash + check)."""

    def __init__(self) -> None:
        self.records: dict[str, dict[str, Any]] = {}  # name -> record
        self._codes: set[str] = set()

    def code_for(self, name: str) -> str:
        salt = 0
        while True:
            digest = hashlib.sha256(f"gongkai-corpus:{name}:{salt}".encode()).hexdigest()
            body = f"{int(digest, 16) % 10**8:08d}"
            code = body + org_code_check_char(body)
            if code not in self._codes and org_code_error(code) is None:
                self._codes.add(code)
                return code
            salt += 1

    def ensure(self, name: str, *, kind: str, parent: str | None = None, **extra: Any) -> str:
        if name not in self.records:
            record: dict[str, Any] = {"code": self.code_for(name), "name": name, "kind": kind}
            if parent:
                record["parent_code"] = self.records[parent]["code"]
            record.update({k: v for k, v in extra.items() if v})
            self.records[name] = record
        elif extra.get("website") and not self.records[name].get("website"):
            self.records[name]["website"] = extra["website"]
        return str(self.records[name]["code"])

    def ordered(self) -> list[dict[str, Any]]:
        """Parents before children (insertion order already guarantees it)."""
        return list(self.records.values())


# ---------------------------------------------------------------- helpers


def stable_id(prefix: str, *parts: object) -> str:
    return f"{prefix}:{hashlib.sha1('#'.join(map(str, parts)).encode()).hexdigest()[:16]}"


def dedupe_body(text: str) -> tuple[str, bool]:
    """A body that is its own text twice (ignoring whitespace) → its first copy."""
    compact = re.sub(r"\s+", "", text)
    half = len(compact) // 2
    if not compact or len(compact) % 2 or compact[:half] != compact[half:]:
        return text, False
    seen = 0
    for index, char in enumerate(text):
        if not char.isspace():
            seen += 1
            if seen == half:
                return text[: index + 1], True
    return text, False  # pragma: no cover


def iso_date(raw: str) -> str | None:
    raw = (raw or "").strip()
    for pattern in (_ISO_DATE, _CN_DATE):
        match = pattern.search(raw)
        if match:
            y, m, d = (int(g) for g in match.groups())
            try:
                return date(y, m, d).isoformat()
            except ValueError:
                return None
    return None


def published_value(raw: str) -> str | None:
    """`2024-01-15 17:29:00` → ISO with +08:00; a date stays a date."""
    match = _ISO_DATETIME.search(raw or "")
    if match:
        y, mo, d, h, mi, s = match.groups()
        return f"{y}-{mo}-{d}T{h}:{mi}:{s or '00'}+08:00"
    return iso_date(raw)


def genre_of(title: str) -> str:
    stripped = title.rstrip("）)」 ")
    for word in sorted(GENRES, key=len, reverse=True):
        if word != "其他" and stripped.endswith(word):
            return word
    return ""


def subject_of(raw: str) -> str:
    raw = (raw or "").strip()
    if raw in SUBJECTS:
        return raw
    return SUBJECT_FIXES.get(raw, "")


def attachment_links(raw: str) -> list[dict[str, str]]:
    links = []
    for index, part in enumerate(p.strip() for p in (raw or "").split(";")):
        if not part:
            continue
        # The scraper glued the site's host in front of absolute links: keep the last URL.
        start = max(part.rfind("http://"), part.rfind("https://"))
        url = part[start:] if start >= 0 else part
        parsed = urlsplit(url)
        if parsed.scheme not in {"http", "https"} or not parsed.netloc or "." not in parsed.netloc:
            continue
        name = parsed.path.rstrip("/").rsplit("/", 1)[-1] or f"附件{index + 1}"
        links.append({"name": name[:255], "url": url[:1000]})
    return links


def normalize_title(text: str) -> str:
    return re.sub(r"[\s《》<>〈〉“”\"]", "", text)


# ---------------------------------------------------------------- hebei CSVs


def hebei_csvs(corpus: Path) -> list[Path]:
    return sorted((corpus / "hebei").glob("*.csv"))


def _hebei_agency(path: Path) -> tuple[str, list[str]]:
    """`5科学技术厅-政府信息公开__科技厅政策文件_科技政策.csv` → (科学技术厅, [科技厅政策文件, 科技政策])."""
    head, _, tail = path.stem.partition("__")
    agency = re.sub(r"^\d+", "", head.split("-", 1)[0])
    segments = [s for s in tail.split("_") if s]
    if segments and segments[0] in HEBEI_AGENCIES:
        segments = segments[1:]
    return agency, segments


def convert_hebei(path: Path, orgs: Orgs, stats: Stats, limit: int | None) -> Iterator[dict[str, Any]]:
    agency, segments = _hebei_agency(path)
    parent = orgs.ensure("河北省人民政府", kind="government", level="province", doc_prefix="冀政")
    name, prefix = HEBEI_AGENCIES.get(agency, (f"河北省{agency}", ""))
    if name == "河北省人民政府":
        org_code = parent
    else:
        org_code = orgs.ensure(name, kind="department", parent="河北省人民政府", doc_prefix=prefix)
    csv.field_size_limit(10**9)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for row_no, row in enumerate(csv.DictReader(fh), start=1):
            if limit is not None and row_no > limit:
                break
            title = re.sub(r"\s+", " ", (row.get("标题") or "")).strip()
            if not title or title == "标题":
                stats.header_rows_skipped += 1
                continue
            site = row.get("来源网站") or row.get("访问地址") or ""
            if site.startswith("http") and name != "河北省人民政府":
                parts = urlsplit(site)
                orgs.ensure(name, kind="department", website=f"{parts.scheme}://{parts.netloc}")
            category = (row.get("一级类别") or row.get("所属一级类别") or "").strip()
            raw_date = row.get("发文日期") or row.get("时间") or row.get("日期") or ""
            summary = row.get("摘要") or ""
            published = published_value(raw_date) or iso_date(summary)
            body, doubled = dedupe_body((row.get("内容") or "").strip())
            stats.deduped_bodies += int(doubled)
            stats.empty_bodies += int(not body.strip())
            if not published:
                published = FALLBACK_DATE
                stats.date_fallback += 1
            record: dict[str, Any] = {
                "external_id": stable_id("hebei", path.name, row_no),
                "org": org_code,
                "title": title[:500],
                "body_text": body,
                "published_at": published,
            }
            if row.get("发文日期"):
                record["written_on"] = published[:10]
            doc_no = ""
            # Dates are cut out first: "2001年9月25日河北省人民政府令…" must not yield "日河北省…".
            head = _CN_DATE.sub(" ", summary[:200] or body[:120])
            match = _DOC_NO_START.match(body[:80]) or _ORDER_NO.search(head)
            if match:
                doc_no = match.group(1)[:100]
            if doc_no:
                record["doc_no"] = doc_no
            genre = genre_of(title)
            if genre:
                record["genre"] = genre
            subject = subject_of(row.get("主题") or "")
            if subject:
                record["subject"] = subject
            status = (row.get("效力状态") or "").strip()
            if status in VALIDITY:
                record["validity"] = VALIDITY[status]
            stats.validity[record.get("validity", "valid")] += 1
            if "政府规章" in segments:
                record["kind"] = "rule"
            elif category in NORMATIVE_CATEGORIES:
                record["kind"] = "normative"
            columns = []
            if category == "政府信息公开年报":
                columns.append(ANNUAL_REPORT_COLUMN)
            elif category and segments and "+" not in segments[-1] and category != segments[-1]:
                columns.append("/".join([*segments, category]))
            elif segments and "+" in segments[-1]:
                columns.append("/".join([*segments[:-1], "政策法规", category or "其他"]))
            elif segments:
                columns.append("/".join(segments))
            if record.get("kind") in {"rule", "normative"}:
                columns.append(STATUTORY_COLUMN)
            record["columns"] = [c.replace("+", "、") for c in columns if c]
            links = attachment_links(row.get("附件链接") or "")
            if links:
                record["attachments"] = links
                stats.attachments += len(links)
            record["_category"] = category
            stats.by_source[f"hebei/{path.name}"] += 1
            yield record


# ---------------------------------------------------------------- laws (markdown)


def law_files(corpus: Path) -> list[Path]:
    return sorted(p for p in (corpus / "laws").rglob("*.md") if p.name != "_index.md")


class LawMetadata:
    """publish / valid_from / expired by law name, from the collections' db.sqlite3 files."""

    def __init__(self, corpus: Path) -> None:
        self._by_db: dict[Path, dict[str, list[tuple[str | None, str | None, int]]]] = {}
        self.corpus = corpus

    def _load(self, db: Path) -> dict[str, list[tuple[str | None, str | None, int]]]:
        if db not in self._by_db:
            table: dict[str, list[tuple[str | None, str | None, int]]] = {}
            if db.exists():
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
                try:
                    for name, publish, valid_from, expired in con.execute(
                        "SELECT name, publish, valid_from, expired FROM law"
                    ):
                        table.setdefault(name, []).append((publish, valid_from, int(expired or 0)))
                finally:
                    con.close()
            self._by_db[db] = table
        return self._by_db[db]

    def lookup(
        self, path: Path, names: Iterable[str], version: str | None
    ) -> tuple[str | None, str | None, bool]:
        rel = path.relative_to(self.corpus / "laws")
        db = (
            (self.corpus / "laws" / rel.parts[0] / rel.parts[1] / "db.sqlite3")
            if rel.parts[0] == "DLC"
            else (self.corpus / "laws" / "db.sqlite3")
        )
        table = self._load(db)
        for name in names:
            rows = table.get(name) or table.get(name.removeprefix("中华人民共和国"))
            if not rows:
                continue
            chosen = next((r for r in rows if version and r[0] == version), rows[0])
            return chosen[0], chosen[1], bool(chosen[2])
        return None, None, False


def markdown_to_html(text: str) -> str:
    parts = []
    for line in text.splitlines():
        line = line.strip()
        if not line:
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line)
        if heading:
            level = min(len(heading.group(1)) + 1, 6)
            parts.append(f"<h{level}>{html.escape(heading.group(2).strip())}</h{level}>")
        else:
            parts.append(f"<p>{html.escape(line)}</p>")
    return "".join(parts)


def _law_agency(path: Path, corpus: Path, orgs: Orgs) -> tuple[str, str, list[str]]:
    """(org code, kind of document, columns) for a law file."""
    rel = path.relative_to(corpus / "laws")
    state = orgs.ensure("国务院", kind="government", doc_prefix="国发", website="https://www.gov.cn")
    if rel.parts[0] == "DLC":
        province_key = rel.parts[1].removesuffix("地方法规")
        province = PROVINCES.get(province_key, province_key)
        code = orgs.ensure(f"{province}人大常委会", kind="government", level="province")
        return code, "other", ["地方性法规"]
    if rel.parts[0] == "部门规章" and len(rel.parts) > 2:
        code = orgs.ensure(rel.parts[1], kind="department", parent="国务院")
        return code, "rule", ["部门规章", STATUTORY_COLUMN]
    return state, "other", ["行政法规", STATUTORY_COLUMN]


def convert_law(path: Path, corpus: Path, orgs: Orgs, meta: LawMetadata, stats: Stats) -> dict[str, Any]:
    text = path.read_text(encoding="utf-8")
    head, marker, rest = text.partition("<!-- INFO END -->")
    if not marker:
        head, rest = "", text
    lines = [ln.strip() for ln in head.splitlines() if ln.strip()]
    title = next((ln[2:].strip() for ln in lines if ln.startswith("# ")), "")
    version_match = _FILE_DATE.search(path.stem)
    version = version_match.group(1) if version_match else None
    stem_title = _FILE_DATE.sub("", path.stem).strip()
    title = title or stem_title
    org_code, kind, columns = _law_agency(path, corpus, orgs)
    dated = []
    for ln in lines:
        match = _CN_DATE.search(ln)
        if match:
            dated.append((iso_date(match.group(0)), ln[match.end() :].strip()))
    publish_line = next(((d, t) for d, t in dated if d and ("公布" in t or "发布" in t)), None)
    effective = next((d for d, t in dated if d and "施行" in t and "公布" not in t), None)
    db_publish, db_valid_from, expired = meta.lookup(path, [title, stem_title], version)
    published = version or db_publish
    if published and not version:
        stats.date_from_metadata += 1
    if not published and publish_line:
        published = publish_line[0]
    if not published and dated:
        published = dated[0][0]
    if not published:
        published = FALLBACK_DATE
        stats.date_fallback += 1
    record: dict[str, Any] = {
        "external_id": stable_id("law", path.relative_to(corpus / "laws").as_posix()),
        "org": org_code,
        "title": title[:500],
        "body_html": markdown_to_html(rest),
        "published_at": published,
        "kind": kind,
        "columns": columns,
    }
    for _, tail in ([publish_line] if publish_line else []) + dated:
        match = _ORDER_NO.search(_CN_DATE.sub(" ", tail))
        if match:
            record["doc_no"] = match.group(1)[:100]
            if "令" in record["doc_no"]:
                record["genre"] = "令"
            break
    valid_from = effective or db_valid_from
    if valid_from:
        record["effective_on"] = valid_from
    if expired:
        record["validity"] = "expired"
    stats.validity[record.get("validity", "valid")] += 1
    if not record["body_html"]:
        stats.empty_bodies += 1
    stats.by_source[f"laws/{path.relative_to(corpus / 'laws').parts[0]}"] += 1
    return record


# ---------------------------------------------------------------- relations and the whole run


def link_interpretations(records: list[dict[str, Any]], stats: Stats) -> None:
    """政策解读 → `interprets` the document its title names in 《…》, when the corpus has it."""
    documents = [(normalize_title(r["title"]), r) for r in records if r.get("_category") != "政策解读"]
    for record in records:
        if record.get("_category") != "政策解读":
            continue
        match = _TITLE_NAME.search(record["title"])
        if not match:
            continue
        wanted = normalize_title(match.group(1))
        if len(wanted) < 6:
            continue
        candidates = [r for t, r in documents if wanted in t and r["external_id"] != record["external_id"]]
        if not candidates:
            continue
        same_org = [r for r in candidates if r["org"] == record["org"]]
        target = (same_org or candidates)[0]
        record["relations"] = [{"type": "interprets", "target": target["external_id"]}]
        stats.relations += 1


def convert(
    corpus: Path,
    out: Path,
    *,
    csv_files: list[Path] | None = None,
    csv_limit: int | None = None,
    law_limit: int | None = None,
    law_paths: list[Path] | None = None,
) -> Stats:
    """Write orgs.jsonl, items.jsonl and stats.json into `out`; returns the counts."""
    orgs = Orgs()
    stats = Stats()
    meta = LawMetadata(corpus)
    records: list[dict[str, Any]] = []
    for path in csv_files if csv_files is not None else hebei_csvs(corpus):
        records.extend(convert_hebei(path, orgs, stats, csv_limit))
    laws = law_paths if law_paths is not None else law_files(corpus)
    if law_limit is not None:
        laws = laws[:law_limit]
    for path in laws:
        records.append(convert_law(path, corpus, orgs, meta, stats))
    link_interpretations(records, stats)
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "orgs.jsonl", "w", encoding="utf-8") as fh:
        for org in orgs.ordered():
            fh.write(json.dumps(org, ensure_ascii=False) + "\n")
    with open(out / "items.jsonl", "w", encoding="utf-8") as fh:
        for record in records:
            record.pop("_category", None)
            fh.write(json.dumps(record, ensure_ascii=False) + "\n")
    stats.items = len(records)
    stats.orgs = len(orgs.records)
    (out / "stats.json").write_text(
        json.dumps(stats.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="把 ../shared/corpus 转换为 Gongkai 的导入文件（JSONL）。")
    parser.add_argument(
        "--corpus", type=Path, default=DEFAULT_CORPUS, help="语料目录（默认 ../shared/corpus）"
    )
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="输出目录（默认 bench/data/）")
    parser.add_argument("--csv-limit", type=int, default=None, help="每个 CSV 最多转换的行数")
    parser.add_argument("--law-limit", type=int, default=None, help="最多转换的法规文件数")
    args = parser.parse_args(argv)
    if not (args.corpus / "hebei").is_dir() or not (args.corpus / "laws").is_dir():
        print(f"语料目录不存在或不完整：{args.corpus}", file=sys.stderr)
        return 2
    stats = convert(args.corpus, args.out, csv_limit=args.csv_limit, law_limit=args.law_limit)
    print(json.dumps(stats.as_dict(), ensure_ascii=False, indent=2), file=sys.stderr)
    print(args.out / "items.jsonl")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
