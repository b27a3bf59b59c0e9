from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("django-admin/", admin.site.urls),
    path("staff/calendar/", include("gongkai.core.urls")),
    path("staff/", include("gongkai.publishing.urls_staff")),
    path("", include("gongkai.portal.urls")),
]

handler404 = "gongkai.portal.views.page_not_found"
handler500 = "gongkai.portal.views.server_error"
