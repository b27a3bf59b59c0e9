from django.urls import path

from gongkai.publishing import api

app_name = "api_publishing"

urlpatterns = [
    path("organizations", api.org_list, name="orgs"),
    path("organizations/<str:code>", api.org_detail, name="org"),
    path("organizations/<str:code>/catalog", api.catalog, name="catalog"),
    path("columns", api.column_list, name="columns"),
    path("gazette", api.gazette_list, name="gazette"),
    path("items", api.item_list, name="items"),
    path("items/<int:pk>", api.item_detail, name="item"),
]
