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
    path("items/<int:pk>/precheck/", staff.item_precheck, name="item_precheck"),
    path("assessments/", staff.assessments, name="assessments"),
    path("assessments/<int:pk>/", staff.assessment_detail, name="assessment"),
    path(
        "assessments/<int:pk>/indicators/<int:indicator_id>/delete/",
        staff.indicator_delete,
        name="indicator_delete",
    ),
    path("assessments/<int:pk>/transition/", staff.assessment_transition, name="assessment_transition"),
    path("assessments/<int:pk>/scores/", staff.assessment_scores, name="assessment_scores"),
    path("assessments/<int:pk>/bulletin/", staff.assessment_bulletin, name="assessment_bulletin"),
    path("bulletins/", staff.bulletins, name="bulletins"),
    path("bulletins/<int:pk>/", staff.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/docx/", staff.bulletin_docx, name="bulletin_docx"),
    path("bulletins/<int:pk>/publish/", staff.bulletin_publish, name="bulletin_publish"),
    path("bonus/", staff.bonus, name="bonus"),
    path("bonus/<int:pk>/delete/", staff.bonus_delete, name="bonus_delete"),
    path("tasks/", staff.tasks, name="tasks"),
    path("tasks/plans/<int:pk>/", staff.plan_detail, name="plan"),
    path("tasks/plans/<int:pk>/export/", staff.plan_export, name="plan_export"),
    path("tasks/units/<int:pk>/", staff.task_unit, name="task_unit"),
]
