from django.urls import path

from gongkai.outreach.views import public

app_name = "outreach"

urlpatterns = [
    path("opinion/", public.case_list, name="cases"),
    path("opinion/<int:pk>/", public.case_detail, name="case"),
    path("interviews/", public.interview_list, name="interviews"),
    path("interviews/<int:pk>/", public.interview_detail, name="interview"),
    path("surveys/", public.survey_list, name="surveys"),
    path("surveys/<int:pk>/", public.survey_detail, name="survey"),
]
