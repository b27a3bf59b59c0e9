from django.urls import URLPattern, URLResolver, path, re_path

from gongkai.opendata import ckan
from gongkai.opendata.views import public

app_name = "opendata"

urlpatterns: list[URLPattern | URLResolver] = [
    path("api/3/action/<str:action>", ckan.action, name="ckan_action"),
    path("api/action/<str:action>", ckan.action, name="ckan_action_short"),
    re_path(r"^catalog\.(?P<fmt>ttl|rdf|jsonld)$", public.catalog, name="catalog"),
    path("data/", public.portal, name="portal"),
    path("data/api/", public.api_docs, name="api_docs"),
    path("data/requests/", public.data_requests, name="requests"),
    path("data/usage/", public.usage_page, name="usage"),
    path("data/usage.xlsx", public.usage_export, name="usage_export"),
    path("dataset/", public.portal, name="dataset_list"),
    re_path(
        r"^dataset/(?P<name>[a-z0-9_-]+)\.(?P<fmt>ttl|rdf|jsonld)$", public.dataset_rdf, name="dataset_rdf"
    ),
    path("dataset/<slug:name>/", public.dataset_page, name="dataset"),
    path("dataset/<slug:name>/apply/", public.access_apply, name="apply"),
    path("dataset/<slug:name>/access/", public.access_enter, name="access"),
    path("dataset/<slug:name>/apikey/", public.access_api_key, name="api_key"),
    path("dataset/<slug:name>/resource/<int:pk>/preview/", public.preview, name="preview"),
    re_path(
        r"^dataset/(?P<name>[a-z0-9_-]+)/resource/(?P<pk>\d+)/table\.(?P<fmt>csv|json)$",
        public.table_download,
        name="table_download",
    ),
    path("dataset/<slug:name>/resource/<int:pk>/download/<str:filename>", public.download, name="download"),
    path("dataset/<slug:name>/resource/<int:pk>/signed/", public.signed_download, name="signed_download"),
]
