"""Index documents built from information items: what is indexed, in which field."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils import timezone

from gongkai.publishing.models import Attachment, InfoItem
from gongkai.search.backends.base import IndexDoc
from gongkai.search.text import Analyzed, Segmenter

MAX_BODY_CHARS = 100_000
MAX_ATTACHMENT_CHARS = 100_000


def build_documents(items: Sequence[InfoItem], segmenter: Segmenter) -> list[IndexDoc]:
    """Documents for `items` (public ones: the caller decides), with two queries for the whole batch:
    attachment names and text, and the names of joint issuers."""
    ids = [item.pk for item in items]
    attachments: dict[int, list[str]] = {}
    for item_id, name, text in (
        Attachment.objects.filter(item_id__in=ids)
        .order_by("item_id", "sort_order", "id")
        .values_list("item_id", "name", "text")
    ):
        attachments.setdefault(item_id, []).extend([name, text])
    issuers: dict[int, list[str]] = {}
    through = InfoItem.issuers.through
    for item_id, name, short_name in through.objects.filter(infoitem_id__in=ids).values_list(
        "infoitem_id", "organization__name", "organization__short_name"
    ):
        issuers.setdefault(item_id, []).extend([name, short_name])
    return [
        build_document(item, segmenter, attachments.get(item.pk, []), issuers.get(item.pk, []))
        for item in items
    ]


def build_document(
    item: InfoItem,
    segmenter: Segmenter,
    attachment_texts: Sequence[str] = (),
    issuer_names: Sequence[str] = (),
) -> IndexDoc:
    org = item.org
    published_on = timezone.localdate(item.published_at) if item.published_at else None
    meta = "\n".join(
        part
        for part in (
            item.doc_no_norm or item.doc_no,
            item.index_no or "",
            item.keywords,
            org.name,
            org.short_name,
        )
        if part
    )
    meta += "\n" + "\n".join(n for n in issuer_names if n)
    attach = "\n".join(t for t in attachment_texts if t)[:MAX_ATTACHMENT_CHARS]
    return IndexDoc(
        item_id=item.pk,
        org_id=item.org_id,
        published_at=item.published_at,
        published_on=published_on,
        subject_top=item.subject.split("\\", 1)[0].strip(),
        genre=item.genre,
        validity=item.validity,
        effective_on=item.effective_on,
        valid_until=item.valid_until,
        doc_no_norm=item.doc_no_norm,
        index_no=item.index_no or "",
        title=Analyzed(segmenter, item.title),
        meta=Analyzed(segmenter, meta),
        body=Analyzed(segmenter, item.body_text[:MAX_BODY_CHARS]),
        attach=Analyzed(segmenter, attach),
    )
