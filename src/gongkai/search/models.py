"""The search index: one row per public item, written in the publishing transaction (ADR 0004).

`SearchDocument` holds what filters, facets and exact look-ups need (narrow, so that counting facets over many
matches reads little). `SearchText` holds the full-text payload, which each backend stores its own way:

- SQLite: the segmented words of each field as text (`title`, `meta`, `body`, `attach`) and the sub-words of
  long words (`title_sub`, `sub`), the external content of the FTS5 table `search_fts`, kept in step by
  triggers on this table (migration 0002).
- PostgreSQL: a `tsv tsvector` column with a GIN index (migration 0002); the text columns stay empty.

The triggers, the FTS5 table and the `tsv` column are not Django fields: a future migration that rebuilds
`search_text` on SQLite (any AlterField does) must recreate them — `gongkai search reindex` checks and repairs.
"""

from __future__ import annotations

from django.db import models

from gongkai.orgs.models import Organization
from gongkai.publishing.models import InfoItem


class SearchDocument(models.Model):
    item = models.OneToOneField(InfoItem, primary_key=True, on_delete=models.CASCADE, related_name="+")
    org = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="+")
    published_at = models.DateTimeField(null=True)
    published_on = models.DateField(null=True)  # Beijing calendar date of published_at
    year = models.SmallIntegerField(null=True)
    subject_top = models.CharField(max_length=100, blank=True)  # 主题分类, top level
    genre = models.CharField(max_length=20, blank=True)  # 公文种类
    validity = models.CharField(max_length=20)  # stored; the effective one is computed when searching
    effective_on = models.DateField(null=True)
    valid_until = models.DateField(null=True)
    doc_no_norm = models.CharField(max_length=100, blank=True, db_index=True)
    index_no = models.CharField(max_length=80, blank=True, db_index=True)
    indexed_at = models.DateTimeField()

    class Meta:
        db_table = "search_document"
        indexes = [models.Index(fields=["published_at"], name="search_doc_published_at")]


class SearchText(models.Model):
    document = models.OneToOneField(
        SearchDocument, primary_key=True, on_delete=models.CASCADE, db_column="item_id", related_name="text"
    )
    title = models.TextField(blank=True)
    meta = models.TextField(blank=True)
    body = models.TextField(blank=True)
    attach = models.TextField(blank=True)
    title_sub = models.TextField(blank=True)  # sub-words of the title's long words
    sub = models.TextField(blank=True)  # sub-words of the other fields

    class Meta:
        db_table = "search_text"
