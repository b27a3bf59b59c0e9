from django.urls import path

from gongkai.outreach.views import staff

app_name = "outreach_staff"

urlpatterns = [
    path("", staff.index, name="index"),
    path("cases/new/", staff.case_new, name="case_new"),
    path("cases/<int:pk>/", staff.case_detail, name="case"),
    path("cases/<int:pk>/respond/", staff.case_respond, name="case_respond"),
    path("cases/<int:pk>/promise/", staff.case_promise, name="case_promise"),
    path("cases/<int:pk>/public/", staff.case_public, name="case_public"),
    path("cases/<int:pk>/promises/<int:promise_id>/", staff.promise_settle, name="promise_settle"),
    path("interviews/new/", staff.interview_new, name="interview_new"),
    path("interviews/<int:pk>/", staff.interview_detail, name="interview"),
    path("interviews/<int:pk>/transcript/", staff.interview_transcript, name="interview_transcript"),
    path(
        "interviews/<int:pk>/questions/<int:question_id>/moderate/",
        staff.question_moderate,
        name="question_moderate",
    ),
    path(
        "interviews/<int:pk>/questions/<int:question_id>/answer/",
        staff.question_answer,
        name="question_answer",
    ),
    path("interviews/<int:pk>/<str:action>/", staff.interview_act, name="interview_act"),
    path("surveys/new/", staff.survey_new, name="survey_new"),
    path("surveys/<int:pk>/", staff.survey_detail, name="survey"),
    path("surveys/<int:pk>/close/", staff.survey_close, name="survey_close"),
    path("surveys/<int:pk>/results.xlsx", staff.survey_export, name="survey_export"),
]
