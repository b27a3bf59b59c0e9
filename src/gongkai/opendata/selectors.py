"""Open-data reads, already filtered by what the user may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db.models import Count, Max, Q, QuerySet, Sum
from django.db.models.fields.json import KeyTransform
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone

from gongkai.core.errors import ApplicationError
from gongkai.opendata import conf, links, rules
from gongkai.opendata.models import (
    AccessApplication,
    ApiToken,
    DataRequest,
    Dataset,
    DatasetChange,
    DatastoreRow,
    DatastoreTable,
    Resource,
    Tag,
    UsageDay,
)
from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import is_platform_admin, orgs_for_staff


def datasets_public() -> QuerySet[Dataset]:
    return Dataset.objects.filter(status=rules.PUBLISHED, org__is_active=True).select_related("org")


def datasets_visible(user: Any) -> QuerySet[Dataset]:
    """Published datasets, plus every dataset of the agencies the user works for."""
    if is_platform_admin(user):
        return Dataset.objects.select_related("org")
    if not getattr(user, "is_authenticated", False):
        return datasets_public()
    staff_orgs = orgs_for_staff(user).values("pk")
    return Dataset.objects.filter(Q(status=rules.PUBLISHED) | Q(org__in=staff_orgs)).select_related("org")


def datasets_for_staff(user: Any) -> QuerySet[Dataset]:
    return Dataset.objects.filter(org__in=orgs_for_staff(user).values("pk")).select_related("org")


def field_label(name: str) -> str:
    """The label users read for a dataset field that a change proposes."""
    if name == "tags":
        return "标签"
    return str(getattr(Dataset._meta.get_field(name), "verbose_name", name))


def dataset_changes(dataset: Dataset) -> list[dict[str, Any]]:
    """Proposed changes of a dataset, newest first, each with its field-by-field comparison
    (`[(label, current value, proposed value)]`)."""
    rows = []
    current_tags: str | None = None  # the dataset's tags, read once for all the changes that propose tags
    for change in DatasetChange.objects.filter(dataset=dataset).select_related("proposed_by", "decided_by"):
        diff = []
        if change.kind == DatasetChange.Kind.RESOURCE:
            given = change.data
            diff.append(("新增资源", "", f"{given.get('name', '')}（{given.get('format') or '链接'}）"))
            diff.append(("文件或链接", "", given.get("filename") or given.get("url", "")))
            rows.append({"change": change, "diff": diff})
            continue
        for name, proposed in change.data.items():
            if name == "tags":
                if current_tags is None:
                    current_tags = "、".join(dataset.tags.values_list("name", flat=True))
                label, current = field_label(name), current_tags
                proposed = "、".join(proposed)
            else:
                label = field_label(name)
                current = getattr(dataset, name)
            current_text = "" if current is None else str(current)
            diff.append((label, current_text, "" if proposed is None else str(proposed)))
        rows.append({"change": change, "diff": diff})
    return rows


def get_dataset_for_staff(user: Any, pk: int) -> Dataset:
    dataset = datasets_for_staff(user).filter(pk=pk).first()
    if dataset is None:
        raise Http404("没有找到该数据集。")
    return dataset


def dataset_by_name_or_id(user: Any, key: str) -> Dataset | None:
    """The dataset a CKAN `id` names (its name, or its numeric id), if the user may see it."""
    qs = datasets_visible(user)
    found = qs.filter(name=key).first()
    if found is None and str(key).isascii() and str(key).isdigit() and len(str(key)) <= 18:
        found = qs.filter(pk=int(key)).first()
    return found


def dataset_public(name: str) -> Dataset:
    dataset = datasets_public().filter(name=name).first()
    if dataset is None:
        raise Http404("没有找到该数据集。")
    return dataset


def resources_of(dataset: Dataset) -> QuerySet[Resource]:
    return dataset.resources.select_related("datastore")


def resource_visible(user: Any, pk: Any) -> Resource | None:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    return (
        Resource.objects.filter(pk=pk, dataset__in=datasets_visible(user).values("pk"))
        .select_related("dataset__org")
        .first()
    )


def resource_public(dataset: Dataset, pk: int) -> Resource:
    resource = dataset.resources.filter(pk=pk).select_related("dataset__org").first()
    if resource is None or not dataset.is_public:
        raise Http404("没有找到该资源。")
    return resource


def table_of(resource: Resource) -> DatastoreTable | None:
    return DatastoreTable.objects.filter(resource=resource).first()


def tags_public() -> QuerySet[Tag]:
    return Tag.objects.filter(datasets__status=rules.PUBLISHED).distinct().order_by("name")


def subjects_public() -> list[str]:
    return sorted(set(datasets_public().exclude(subject="").values_list("subject", flat=True)))


def orgs_with_datasets() -> QuerySet[Organization]:
    return Organization.objects.filter(is_active=True).annotate(
        package_count=Count("datasets", filter=Q(datasets__status=rules.PUBLISHED))
    )


def org_by_ckan_name(key: str) -> Organization | None:
    """CKAN names an organization by its code in lower case; the upper-case code is accepted too."""
    key = (key or "").strip()
    if not key:
        return None
    return Organization.objects.filter(code=key.upper(), is_active=True).first()


def tokens_for_user(user: Any) -> QuerySet[ApiToken]:
    return ApiToken.objects.filter(user=user)


def token_for_user(user: Any, pk: int) -> ApiToken:
    token = tokens_for_user(user).filter(pk=pk).first()
    if token is None:
        raise Http404("没有找到该令牌。")
    return token


# ---------------------------------------------------------------- stale datasets


@dataclass(frozen=True)
class StaleDataset:
    dataset: Dataset
    last_update: date
    due: date


def stale_datasets(org: Organization | None = None, as_of: date | None = None) -> list[StaleDataset]:
    """Published datasets whose promised update frequency has passed without a new resource (for inspection).

    The last update is the newest resource's creation (or the dataset's publication when it has none).
    """
    as_of = as_of or timezone.localdate()
    periodic = [code for code, (_, days, _) in rules.FREQUENCIES.items() if days is not None]
    qs = (
        datasets_public()
        .filter(update_frequency__in=periodic)
        .annotate(last_resource=Max("resources__created_at"))
    )
    if org is not None:
        qs = qs.filter(org=org)
    result: list[StaleDataset] = []
    for dataset in qs.order_by("org__code", "name"):
        moment: datetime | None = dataset.last_resource or dataset.published_at or dataset.created_at  # type: ignore[attr-defined]
        assert moment is not None
        last = timezone.localdate(moment)
        due = rules.stale_due(dataset.update_frequency, last)
        if due is not None and as_of > due:
            result.append(StaleDataset(dataset=dataset, last_update=last, due=due))
    return result


# ---------------------------------------------------------------- datastore


@dataclass
class RowPage:
    fields: list[dict[str, str]]
    records: list[dict[str, Any]]
    total: int


def datastore_rows(
    table: DatastoreTable,
    *,
    q: str = "",
    filters: dict[str, Any] | None = None,
    fields: list[str] | None = None,
    sort: list[tuple[str, bool]] | None = None,
    limit: int = 100,
    offset: int = 0,
) -> RowPage:
    """One page of a parsed table. `filters` compare a column with a value (a list means any of them); `sort`
    is [(column, descending)]. Unknown columns raise KeyError (the caller reports them)."""
    known = {f["id"]: f["type"] for f in table.fields}
    qs = DatastoreRow.objects.filter(table=table)
    for i, (column, value) in enumerate((filters or {}).items()):
        if column not in known:
            raise KeyError(column)
        alias = f"_f{i}"
        qs = qs.alias(**{alias: KeyTransform(column, "data")})
        values = value if isinstance(value, list) else [value]
        cond = Q()
        for v in values:
            cond |= Q(**{alias: _typed(v, known[column])})
        qs = qs.filter(cond)
    for term in q.split():
        qs = qs.filter(text__icontains=term)
    order: list[Any] = []
    for column, desc in sort or []:
        if column == "_id":
            order.append("-rownum" if desc else "rownum")
            continue
        if column not in known:
            raise KeyError(column)
        key = KeyTransform(column, "data")
        order.append(key.desc(nulls_last=True) if desc else key.asc(nulls_last=True))
    order.append("rownum")
    qs = qs.order_by(*order)
    chosen = fields or list(known)
    for column in chosen:
        if column not in known and column != "_id":
            raise KeyError(column)
    total = qs.count()
    records = []
    for row in qs[offset : offset + limit]:
        record: dict[str, Any] = {"_id": row.rownum}
        record.update({c: row.data.get(c) for c in chosen if c != "_id"})
        records.append(record)
    out_fields = [{"id": "_id", "type": "int"}] + [{"id": c, "type": known[c]} for c in chosen if c != "_id"]
    return RowPage(fields=out_fields, records=records, total=total)


def _typed(value: Any, column_type: str) -> Any:
    text = "" if value is None else str(value).strip()
    if text == "":
        return None
    if column_type != "text" and rules.fits(text, column_type):
        return rules.convert(text, column_type)
    return text


def datastore_all_rows(table: DatastoreTable) -> Any:
    """Every row in order, streamed (for the CSV and JSON downloads)."""
    return (
        DatastoreRow.objects.filter(table=table)
        .order_by("rownum")
        .values_list("data", flat=True)
        .iterator(2000)
    )


# ---------------------------------------------------------------- 有条件开放


def application_by_code(dataset: Dataset, code: str) -> AccessApplication | None:
    from gongkai.opendata.services import token_hash

    code = (code or "").strip()
    if not code:
        return None
    return AccessApplication.objects.filter(dataset=dataset, code_hash=token_hash(code)).first()


def may_access_data(user: Any, dataset: Dataset, application_ids: list[int] | None = None) -> bool:
    """Files and tables of a 无条件开放 dataset are open to all; a 有条件开放 dataset's are open to its agency's
    staff and to holders of an approved, unexpired application."""
    if dataset.open_type != "conditional":
        return True
    if is_platform_admin(user) or (
        getattr(user, "is_authenticated", False) and orgs_for_staff(user).filter(pk=dataset.org_id).exists()
    ):
        return True
    if not application_ids:
        return False
    return AccessApplication.objects.filter(
        pk__in=application_ids,
        dataset=dataset,
        status=AccessApplication.Status.APPROVED,
        valid_until__gte=timezone.localdate(),
    ).exists()


def approved_application(dataset: Dataset, application_ids: list[int]) -> AccessApplication | None:
    """The approved, unexpired application among those this browser proved (for issuing signed links)."""
    if not application_ids or dataset.open_type != "conditional":
        return None
    return (
        AccessApplication.objects.filter(
            pk__in=application_ids,
            dataset=dataset,
            status=AccessApplication.Status.APPROVED,
            valid_until__gte=timezone.localdate(),
        )
        .order_by("-decided_at")
        .first()
    )


def application_for_api_key(raw: str) -> AccessApplication | None:
    """The approved, unexpired application an applicant's CKAN API key belongs to, or None (unknown key, revoked
    or lapsed approval): the key lives exactly as long as the approval."""
    from gongkai.opendata.services import token_hash

    raw = (raw or "").strip()
    if not raw:
        return None
    return (
        AccessApplication.objects.select_related("dataset__org")
        .filter(
            api_key_hash=token_hash(raw),
            status=AccessApplication.Status.APPROVED,
            valid_until__gte=timezone.localdate(),
        )
        .first()
    )


def download_links(application: AccessApplication | None, resources: Any) -> dict[int, str]:
    """Signed, expiring download tokens, one per uploaded resource, for an approved applicant."""
    if application is None or application.decided_at is None:
        return {}
    return {
        r.pk: links.link_token(
            resource_id=r.pk, application_id=application.pk, approved_at=application.decided_at
        )
        for r in resources
        if r.file
    }


def application_for_link(dataset: Dataset, resource: Resource, token: str) -> AccessApplication:
    """The approved application a signed download link was issued under — still approved, unexpired, the same
    approval. ApplicationError otherwise: `link_invalid`, `link_expired`, `access_revoked`, `access_expired`."""
    claim = links.link_claim(token, max_age=conf.download_link_seconds())
    application = (
        AccessApplication.objects.filter(pk=claim.application_id, dataset=dataset).first()
        if claim.resource_id == resource.pk
        else None
    )
    if application is None:
        raise ApplicationError("link_invalid", "下载链接无效，请回到数据集页面重新获取。")
    if application.status == AccessApplication.Status.REVOKED:
        raise ApplicationError(
            "access_revoked", f"{dataset.org.name}已撤销您的数据使用申请，下载链接已失效。"
        )
    approved = application.decided_at and int(application.decided_at.timestamp()) == claim.approved_at
    if application.status != AccessApplication.Status.APPROVED or not approved:
        raise ApplicationError("link_invalid", "下载链接无效，请回到数据集页面重新获取。")
    if application.valid_until is None or application.valid_until < timezone.localdate():
        raise ApplicationError(
            "access_expired",
            f"您的数据使用申请有效期已于{application.valid_until:%Y年%m月%d日}届满，请重新申请。"
            if application.valid_until
            else "您的数据使用申请已失效，请重新申请。",
        )
    return application


def applications_for_staff(user: Any) -> QuerySet[AccessApplication]:
    return AccessApplication.objects.filter(
        dataset__org__in=orgs_for_staff(user).values("pk")
    ).select_related("dataset__org")


def get_application_for_staff(user: Any, pk: int) -> AccessApplication:
    application = applications_for_staff(user).filter(pk=pk).first()
    if application is None:
        raise Http404("没有找到该申请。")
    return application


# ---------------------------------------------------------------- 数据需求 and usage


def data_requests_public() -> QuerySet[DataRequest]:
    """Requests are listed publicly by title, status and reply — never the requester's contact."""
    return DataRequest.objects.select_related("org", "dataset").defer("contact")


def data_requests_for_staff(user: Any) -> QuerySet[DataRequest]:
    """The one road to 数据需求 in the back office. A request addressed to an agency is seen by that agency's
    staff; a request to no agency (to the platform) — with the requester's contact — only by the 政务公开办
    (platform admins), who answer it or pass it on."""
    if is_platform_admin(user):
        return DataRequest.objects.select_related("org")
    return DataRequest.objects.filter(org__in=orgs_for_staff(user).values("pk")).select_related("org")


def get_data_request_for_staff(user: Any, pk: int) -> DataRequest:
    found = data_requests_for_staff(user).filter(pk=pk).first()
    if found is None:
        raise Http404("没有找到该需求。")
    return found


@dataclass(frozen=True)
class UsagePeriod:
    start: date | None  # None: from the beginning
    end: date | None  # None: up to today

    @property
    def label(self) -> str:
        if self.start is None and self.end is None:
            return "全部"
        return f"{self.start or '开始'} 至 {self.end or '今天'}"


def _usage_rows(datasets: QuerySet[Dataset], period: UsagePeriod) -> QuerySet[UsageDay]:
    rows = UsageDay.objects.filter(dataset__in=datasets.values("pk"))
    if period.start:
        rows = rows.filter(day__gte=period.start)
    if period.end:
        rows = rows.filter(day__lte=period.end)
    return rows


def _kind_sums() -> dict[str, Any]:
    return {
        "views": Coalesce(Sum("count", filter=Q(kind=UsageDay.Kind.VIEW)), 0),
        "downloads": Coalesce(Sum("count", filter=Q(kind=UsageDay.Kind.DOWNLOAD)), 0),
        "api": Coalesce(Sum("count", filter=Q(kind=UsageDay.Kind.API)), 0),
    }


_ZERO = {"views": 0, "downloads": 0, "api": 0}


def usage_by_dataset(
    datasets: QuerySet[Dataset], period: UsagePeriod = UsagePeriod(None, None)
) -> list[dict[str, Any]]:
    """Views, downloads and API calls per dataset in `period` (a dataset's own page and its resources together),
    with its number of resources; most used first. Two queries, whatever the number of datasets."""
    sums = {
        r["dataset"]: r
        for r in _usage_rows(datasets, period).values("dataset").annotate(**_kind_sums()).order_by()
    }
    rows = []
    for d in datasets.select_related("org").annotate(resource_count=Count("resources", distinct=True)):
        counts = {k: (sums.get(d.pk) or _ZERO)[k] for k in _ZERO}
        rows.append({"dataset": d, "resources": d.resource_count, **counts})  # type: ignore[attr-defined]
    return sorted(rows, key=lambda r: (-(r["views"] + r["downloads"] + r["api"]), r["dataset"].name))


def usage_by_resource(
    datasets: QuerySet[Dataset], period: UsagePeriod = UsagePeriod(None, None)
) -> list[dict[str, Any]]:
    """Views (previews), downloads and API calls (resource_show, datastore_search) per resource in `period`, with
    the all-time download counter; resources never used in the period are left out."""
    sums = {
        r["resource"]: r
        for r in _usage_rows(datasets, period)
        .filter(resource__isnull=False)
        .values("resource")
        .annotate(**_kind_sums())
        .order_by()
    }
    resources = Resource.objects.filter(pk__in=list(sums)).select_related("dataset__org")
    rows = [{"resource": r, "dataset": r.dataset, **{k: sums[r.pk][k] for k in _ZERO}} for r in resources]
    return sorted(rows, key=lambda r: (-(r["views"] + r["downloads"] + r["api"]), r["resource"].pk))


def usage_by_org(
    datasets: QuerySet[Dataset], period: UsagePeriod = UsagePeriod(None, None)
) -> list[dict[str, Any]]:
    rows = (
        datasets.values("org__code", "org__name")
        .annotate(
            datasets=Count("pk", distinct=True),
            published=Count("pk", filter=Q(status=rules.PUBLISHED), distinct=True),
        )
        .order_by("org__code")
    )
    sums = {
        r["dataset__org__code"]: r
        for r in _usage_rows(datasets, period)
        .values("dataset__org__code")
        .annotate(**_kind_sums())
        .order_by()
    }
    return [{**r, **{k: (sums.get(r["org__code"]) or _ZERO)[k] for k in _ZERO}} for r in rows]


def usage_by_day(datasets: QuerySet[Dataset], period: UsagePeriod) -> list[dict[str, Any]]:
    """The daily series of the period (days with any use)."""
    return list(_usage_rows(datasets, period).values("day").annotate(**_kind_sums()).order_by("day"))


def usage_report(datasets: QuerySet[Dataset], period: UsagePeriod, *, with_platform: bool) -> dict[str, Any]:
    """Everything the statistics page and its Excel export show, for `datasets` (the staff's agencies', or the
    published ones on the public page)."""
    return {
        "by_org": usage_by_org(datasets, period),
        "by_dataset": usage_by_dataset(datasets, period),
        "by_resource": usage_by_resource(datasets, period),
        "by_day": usage_by_day(datasets, period),
        "platform_api": usage_platform_api(period) if with_platform else None,
    }


def usage_platform_api(period: UsagePeriod) -> int:
    """API calls tied to no dataset (searches, lists, status): for the 政务公开办's view of the whole platform."""
    rows = UsageDay.objects.filter(kind=UsageDay.Kind.API, dataset__isnull=True)
    if period.start:
        rows = rows.filter(day__gte=period.start)
    if period.end:
        rows = rows.filter(day__lte=period.end)
    return int(rows.aggregate(n=Coalesce(Sum("count"), 0))["n"])
