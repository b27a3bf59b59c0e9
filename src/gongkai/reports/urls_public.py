from django.urls import URLPattern, URLResolver, path

from gongkai.reports.views import public

app_name = "reports"

urlpatterns: list[URLPattern | URLResolver] = [
    path("orgs/<str:code>/annual-reports/", public.report_list, name="public_list"),
    path("orgs/<str:code>/annual-reports/<int:year>/", public.report_page, name="public_report"),
    path(
        "orgs/<str:code>/annual-reports/<int:year>.<str:fmt>",
        public.report_download,
        name="public_download",
    ),
]
