"""Staff pages for the working-day calendar; included by the project at `staff/calendar/`."""

from django.urls import path

from gongkai.core import views

app_name = "staff_calendar"

urlpatterns = [
    path("", views.calendar_year_list, name="years"),
    path("load-package/", views.calendar_load_package, name="load_package"),
    path("<int:year>/", views.calendar_year_detail, name="year"),
    path("<int:year>/days/", views.calendar_day_set, name="day_set"),
    path("<int:year>/days/remove/", views.calendar_day_remove, name="day_remove"),
]
