"""A deterministic corpus of N documents built from the real texts, with a query set of known answers.

    .venv/bin/python bench/convert_corpus.py --out /tmp/gk-bench/real
    .venv/bin/python bench/generate_corpus.py --source /tmp/gk-bench/real --n 100000 --out /tmp/gk-bench/n100k

Reads the converted real corpus (`convert_corpus.py` output: orgs.jsonl, items.jsonl; the text comes from
../shared/corpus and is never committed) and writes into --out:

- `orgs.jsonl` — the real corpus's agencies;
- `items.jsonl` — N documents in the import format. Document i takes the title, agency, columns and body length
  of a real document drawn at random (so the length distribution is the real one), a body of real paragraphs
  drawn from the whole corpus up to that length, a unique 文号 `<机关代字>〔year〕n号` and a publication date;
- `queries.jsonl` — `{"kind", "q", "relevant": [external ids]}`: 文号 lookups (half of them typed with other
  brackets), title fragments, 2-character terms, body phrases and 繁體 variants of title fragments. The relevant
  documents are found by scanning the generated texts (folded as the search engine folds them): a title
  fragment's are the documents whose title holds it, a term's or a phrase's those whose title or body does;
- `meta.json` — N, the seed, the counts.

The same --source, --n and --seed always give the same files.
"""

from __future__ import annotations

import argparse
import html
import json
import random
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))
from gongkai.search.text import Segmenter, fold, vocabulary  # noqa: E402  (pure module: no Django)

QUERY_COUNTS = {"doc_no": 100, "title": 100, "term": 50, "phrase": 50, "traditional": 50}
_TAG = re.compile(r"<[^>]+>")
_BLOCK = re.compile(r"</?(?:p|div|br|li|tr|h[1-6]|table)\b[^>]*>", re.I)
_CJK_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
_CJK_2 = re.compile(r"[\u4e00-\u9fff]{2}")
DOC_SUFFIXES = ("发", "办发", "函", "规", "字")


def body_of(record: dict[str, Any]) -> str:
    if record.get("body_text"):
        return str(record["body_text"])
    text = _TAG.sub("", _BLOCK.sub("\n", str(record.get("body_html") or "")))
    return html.unescape(text)


def paragraphs_of(text: str) -> list[str]:
    return [p.strip() for p in re.split(r"\n+|(?<=。)", text) if len(p.strip()) >= 8]


def load_source(source: Path) -> tuple[list[dict[str, Any]], dict[str, str]]:
    records = [json.loads(line) for line in open(source / "items.jsonl", encoding="utf-8") if line.strip()]
    prefixes = {}
    for line in open(source / "orgs.jsonl", encoding="utf-8"):
        if line.strip():
            org = json.loads(line)
            prefixes[org["code"]] = org.get("doc_prefix") or org["name"][:2]
    return records, prefixes


def generate(source: Path, n: int, seed: int) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """The documents, and their folded titles and bodies (for the known answers)."""
    records, prefixes = load_source(source)
    rng = random.Random(seed)
    pool = [p for record in records for p in paragraphs_of(body_of(record))]
    lengths = [len(body_of(r)) for r in records]
    numbers: Counter[str] = Counter()
    docs, titles, bodies = [], [], []
    for i in range(n):
        base_index = rng.randrange(len(records))
        base = records[base_index]
        wanted = lengths[base_index]
        parts: list[str] = []
        size = 0
        while size < wanted and pool:
            paragraph = rng.choice(pool)
            parts.append(paragraph)
            size += len(paragraph)
        year = rng.randint(2000, 2025)
        prefix = prefixes.get(base["org"], "政") + rng.choice(DOC_SUFFIXES)
        numbers[f"{prefix}{year}"] += 1
        doc_no = f"{prefix}〔{year}〕{numbers[f'{prefix}{year}']}号"
        body = "\n".join(parts)
        doc = {
            "external_id": f"gen:{i}",
            "org": base["org"],
            "title": base["title"],
            "body_text": body,
            "doc_no": doc_no,
            "published_at": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
            "columns": base.get("columns") or [],
        }
        if base.get("genre"):
            doc["genre"] = base["genre"]
        docs.append(doc)
        titles.append(fold(doc["title"]))
        bodies.append(fold(body))
    return docs, titles, bodies


def _title_fragment(rng: random.Random, title: str) -> str | None:
    runs = _CJK_RUN.findall(title)
    if not runs:
        return None
    run = rng.choice(runs)
    size = min(len(run), rng.randint(4, 8))
    start = rng.randrange(len(run) - size + 1)
    return run[start : start + size]


def queries(
    docs: list[dict[str, Any]], titles: list[str], bodies: list[str], seed: int
) -> list[dict[str, Any]]:
    import opencc

    rng = random.Random(seed + 1)
    ids = [d["external_id"] for d in docs]
    result: list[dict[str, Any]] = []

    def in_titles(needle: str) -> list[str]:
        return [ids[i] for i, t in enumerate(titles) if needle in t]

    def anywhere(needle: str) -> list[str]:
        return [ids[i] for i in range(len(docs)) if needle in titles[i] or needle in bodies[i]]

    for i in rng.sample(range(len(docs)), min(QUERY_COUNTS["doc_no"], len(docs))):
        doc_no = docs[i]["doc_no"]
        if rng.random() < 0.5:
            doc_no = doc_no.replace("〔", "[").replace("〕", "]")
        result.append({"kind": "doc_no", "q": doc_no, "relevant": [ids[i]]})

    seen: set[str] = set()
    fragments = []
    while len(fragments) < QUERY_COUNTS["title"] + QUERY_COUNTS["traditional"]:
        fragment = _title_fragment(rng, titles[rng.randrange(len(titles))])
        if fragment and fragment not in seen:
            seen.add(fragment)
            fragments.append(fragment)
    for fragment in fragments[: QUERY_COUNTS["title"]]:
        result.append({"kind": "title", "q": fragment, "relevant": in_titles(fragment)})
    to_traditional = opencc.OpenCC("s2t")
    for fragment in fragments[QUERY_COUNTS["title"] :]:
        typed = to_traditional.convert(fragment)
        result.append({"kind": "traditional", "q": typed, "relevant": in_titles(fragment)})

    # 2-character terms: two-character words of the titles (as segmented), of middling frequency, at random.
    segmenter = Segmenter(vocabulary())
    counts: Counter[str] = Counter()
    sample = titles[:20000]
    for title in sample:
        counts.update({w for w in segmenter.words_of(title) if _CJK_2.fullmatch(w)})
    middling = sorted(term for term, c in counts.items() if 3 <= c <= max(3, len(sample) // 50))
    for term in rng.sample(middling, min(QUERY_COUNTS["term"], len(middling))):
        result.append({"kind": "term", "q": term, "relevant": anywhere(term)})

    phrases: list[str] = []
    while len(phrases) < QUERY_COUNTS["phrase"]:
        body = bodies[rng.randrange(len(bodies))]
        runs = _CJK_RUN.findall(body[:5000])
        if not runs:
            continue
        run = rng.choice(runs)
        size = min(len(run), rng.randint(4, 8))
        start = rng.randrange(len(run) - size + 1)
        phrases.append(run[start : start + size])
    for phrase in phrases:
        result.append({"kind": "phrase", "q": f'"{phrase}"', "relevant": anywhere(phrase)})
    return result


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--source", type=Path, required=True, help="convert_corpus.py 的输出目录")
    parser.add_argument("--n", type=int, default=10000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    docs, titles, bodies = generate(args.source, args.n, args.seed)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "orgs.jsonl").write_text(
        (args.source / "orgs.jsonl").read_text(encoding="utf-8"), encoding="utf-8"
    )
    with open(args.out / "items.jsonl", "w", encoding="utf-8") as fh:
        for doc in docs:
            fh.write(json.dumps(doc, ensure_ascii=False) + "\n")
    query_set = queries(docs, titles, bodies, args.seed)
    with open(args.out / "queries.jsonl", "w", encoding="utf-8") as fh:
        for query in query_set:
            fh.write(json.dumps(query, ensure_ascii=False) + "\n")
    meta = {
        "n": args.n,
        "seed": args.seed,
        "chars": sum(len(b) for b in bodies),
        "queries": dict(Counter(q["kind"] for q in query_set)),
    }
    (args.out / "meta.json").write_text(json.dumps(meta, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(meta, ensure_ascii=False))


if __name__ == "__main__":
    main()
