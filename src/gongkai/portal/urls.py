from django.contrib.sitemaps.views import sitemap
from django.urls import path

from gongkai.portal import views
from gongkai.portal.sitemaps import SITEMAPS

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("orgs/", views.org_list, name="orgs"),
    path("orgs/<str:code>/", views.org_home, name="org"),
    path("orgs/<str:code>/columns/<int:pk>/", views.column_detail, name="column"),
    path("orgs/<str:code>/columns/<int:pk>/rss.xml", views.ColumnRssFeed(), name="column_rss"),
    path("orgs/<str:code>/columns/<int:pk>/atom.xml", views.ColumnAtomFeed(), name="column_atom"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("accessibility/large-text/", views.large_text, name="large_text"),
    path("sitemap.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap"),
]
