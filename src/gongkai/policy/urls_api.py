from django.urls import path

from gongkai.policy import api

app_name = "api_policy"

urlpatterns = [
    path("proposals", api.proposal_list, name="proposals"),
    path("proposals/<int:pk>", api.proposal_detail, name="proposal"),
    path("proposals/stats", api.proposal_stats, name="proposal_stats"),
    path("service-guides", api.guide_list, name="guides"),
    path("service-guides/<int:pk>", api.guide_detail, name="guide"),
    path("service-guides/<int:pk>/versions/<int:number>", api.guide_version_detail, name="guide_version"),
    path("powers", api.power_list, name="powers"),
    path("organizations/<str:code>/powers", api.power_current, name="org_powers"),
    path("organizations/<str:code>/powers/<int:number>", api.power_version, name="org_power_version"),
    path("policy-qa", api.qa_list, name="qas"),
    path("policy-qa/<int:pk>", api.qa_detail, name="qa"),
    path("gazette/<int:pk>", api.gazette_detail, name="gazette_issue"),
]
