from django.urls import path

from gongkai.publishing.views import public

app_name = "publishing"

urlpatterns = [
    path("orgs/<str:code>/catalog/", public.catalog_page, name="catalog"),
    path("orgs/<str:code>/catalog.<str:fmt>", public.catalog_download, name="catalog_download"),
    path("orgs/<str:code>/guide/", public.guide_page, name="guide"),
    path("orgs/<str:code>/policies/", public.policies_page, name="policies"),
    path("orgs/<str:code>/standard-catalog/", public.standard_catalog_page, name="standard_catalog"),
    path("subscribe/", public.subscribe, name="subscribe"),
    path("subscribe/confirm/<str:token>/", public.subscribe_confirm, name="subscribe_confirm"),
    path("subscribe/unsubscribe/<str:token>/", public.subscribe_cancel, name="subscribe_cancel"),
    path("feeds/items.<str:fmt>", public.filtered_feed, name="feed"),
    path("cleanup/<int:pk>/", public.cleanup_result, name="cleanup"),
    path("budgets/", public.budget_table, name="budgets"),
    path("budgets/<int:year>/", public.budget_table, name="budgets_year"),
    path("gazette/", public.gazette_index, name="gazette"),
    path("gazette/<int:year>/", public.gazette_index, name="gazette_year"),
    path("gazette/issues/<int:pk>/", public.gazette_issue, name="gazette_issue"),
]
