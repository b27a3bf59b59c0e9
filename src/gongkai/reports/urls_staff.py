from django.urls import URLPattern, URLResolver, path

from gongkai.reports.views import staff

app_name = "reports_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.report_list, name="list"),
    path("open/", staff.report_open, name="open"),
    path("<int:pk>/", staff.report_detail, name="detail"),
    path("<int:pk>/texts/", staff.report_texts, name="texts"),
    path("<int:pk>/table2/", staff.report_table2, name="table2"),
    path("<int:pk>/extra/", staff.report_extra, name="extra"),
    path("<int:pk>/baseline/", staff.report_baseline, name="baseline"),
    path("<int:pk>/designate/", staff.report_designate, name="designate"),
    path("<int:pk>/transition/", staff.report_transition, name="transition"),
    path("<int:pk>/import/", staff.report_import, name="import"),
    path("<int:pk>/report.<str:fmt>", staff.report_download, name="download"),
]
