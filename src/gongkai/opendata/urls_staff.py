from django.urls import URLPattern, URLResolver, path

from gongkai.opendata.views import staff

app_name = "opendata_staff"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", staff.index, name="index"),
    path("datasets/new/", staff.dataset_new, name="dataset_new"),
    path("datasets/<int:pk>/", staff.dataset_detail, name="dataset"),
    path("datasets/<int:pk>/edit/", staff.dataset_edit, name="dataset_edit"),
    path("datasets/<int:pk>/resources/<int:resource_pk>/field-type/", staff.field_type, name="field_type"),
    path("datasets/<int:pk>/transition/", staff.dataset_transition, name="dataset_transition"),
    path(
        "datasets/<int:pk>/changes/<int:change_pk>/decide/",
        staff.dataset_change_decide,
        name="dataset_change_decide",
    ),
    path("applications/", staff.applications, name="applications"),
    path("applications/<int:pk>/decide/", staff.application_decide, name="application_decide"),
    path("applications/<int:pk>/revoke/", staff.application_revoke, name="application_revoke"),
    path("requests/", staff.data_requests, name="requests"),
    path("requests/<int:pk>/reply/", staff.data_request_reply, name="request_reply"),
    path("usage/", staff.usage, name="usage"),
    path("usage.xlsx", staff.usage_export, name="usage_export"),
    path("tokens/", staff.tokens, name="tokens"),
    path("tokens/<int:pk>/revoke/", staff.token_revoke, name="token_revoke"),
]
