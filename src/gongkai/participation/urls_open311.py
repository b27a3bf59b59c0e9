from django.urls import re_path

from gongkai.participation.views import open311

app_name = "open311"

urlpatterns = [
    re_path(r"^discovery\.(?P<fmt>\w+)$", open311.discovery, name="discovery"),
    re_path(r"^services\.(?P<fmt>\w+)$", open311.service_list, name="services"),
    re_path(r"^services/(?P<code>[^/]+)\.(?P<fmt>\w+)$", open311.service_definition, name="service"),
    re_path(r"^requests\.(?P<fmt>\w+)$", open311.request_list, name="requests"),
    re_path(r"^requests/(?P<request_id>[^/]+)\.(?P<fmt>\w+)$", open311.request_detail, name="request"),
]
