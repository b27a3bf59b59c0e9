"""Staff pages of the inspection, included by the project at `staff/inspection/`."""

from django.urls import path

from gongkai.inspection.views import staff

app_name = "staff_inspection"

urlpatterns = [
    path("", staff.index, name="index"),
    path("orgs/<str:code>/", staff.org_detail, name="org"),
    path("words/", staff.words, name="words"),
    path("words/<int:pk>/delete/", staff.word_delete, name="word_delete"),
    path("rules/", staff.deduction_rules, name="rules"),
    path("columns/<int:pk>/policy/", staff.column_policy, name="column_policy"),
    path("items/<int:pk>/mask/", staff.item_mask, name="item_mask"),
]
