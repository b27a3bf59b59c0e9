from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from gongkai import api_schema

urlpatterns = [
    # The admin's own login has no failure throttle: send it to the throttled staff login (same accounts).
    path(
        "django-admin/login/",
        RedirectView.as_view(url="/staff/login/?next=/django-admin/", query_string=False),
    ),
    path("django-admin/", admin.site.urls),
    path("staff/calendar/", include("gongkai.core.urls")),
    path("staff/foi/", include("gongkai.foi.urls_staff")),
    path("staff/inspection/", include("gongkai.inspection.urls_staff")),
    path("staff/policy/", include("gongkai.policy.urls_staff")),
    path("staff/reports/", include("gongkai.reports.urls_staff")),
    path("staff/participation/", include("gongkai.participation.urls_staff")),
    path("staff/outreach/", include("gongkai.outreach.urls_staff")),
    path("staff/opendata/", include("gongkai.opendata.urls_staff")),
    path("staff/", include("gongkai.publishing.urls_staff")),
    path("foi/", include("gongkai.foi.urls_public")),
    path("open311/v2/", include("gongkai.participation.urls_open311")),
    path("api/v1/schema", api_schema.schema_view, name="api_schema"),
    path("api/v1/", include("gongkai.publishing.urls_api")),
    path("api/v1/", include("gongkai.search.urls_api")),
    path("api/v1/", include("gongkai.policy.urls_api")),
    path("", include("gongkai.search.urls")),
    path("", include("gongkai.publishing.urls_public")),
    path("", include("gongkai.policy.urls_public")),
    path("", include("gongkai.reports.urls_public")),
    path("", include("gongkai.participation.urls_public")),
    path("", include("gongkai.outreach.urls_public")),
    path("", include("gongkai.opendata.urls_public")),
    path("", include("gongkai.inspection.urls_public")),
    path("", include("gongkai.portal.urls")),
]

handler404 = "gongkai.portal.views.page_not_found"
handler500 = "gongkai.portal.views.server_error"
