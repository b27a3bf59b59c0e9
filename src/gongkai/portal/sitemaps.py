from __future__ import annotations

from datetime import datetime

from django.contrib.sitemaps import Sitemap
from django.db.models import QuerySet
from django.urls import reverse

from gongkai.orgs.models import Organization
from gongkai.orgs.selectors import org_list_public
from gongkai.publishing import selectors
from gongkai.publishing.models import InfoItem


class ItemSitemap(Sitemap):
    limit = 5000

    def items(self) -> QuerySet[InfoItem]:
        return (
            selectors.items_public()
            .select_related(None)
            .order_by("-published_at", "-id")
            .only("pk", "updated_at")
        )

    def location(self, item: InfoItem) -> str:
        return reverse("portal:item", args=[item.pk])

    def lastmod(self, item: InfoItem) -> datetime:
        return item.updated_at


class OrgSitemap(Sitemap):
    def items(self) -> QuerySet[Organization]:
        return org_list_public()

    def location(self, org: Organization) -> str:
        return reverse("portal:org", args=[org.code])


SITEMAPS = {"orgs": OrgSitemap, "items": ItemSitemap}
