from django.urls import path

from gongkai.search import views

app_name = "api_search"

urlpatterns = [
    path("search", views.search_api, name="search"),
]
