from django.urls import path

from gongkai.policy.views import public

app_name = "policy"

urlpatterns = [
    path("proposals/", public.proposal_list, name="proposals"),
    path("proposals/<int:pk>/", public.proposal_detail, name="proposal"),
    path("proposals/stats/", public.proposal_stats, name="proposal_stats"),
    path("proposals/stats.xlsx", public.proposal_stats_xlsx, name="proposal_stats_xlsx"),
    path("orgs/<str:code>/proposals/", public.proposal_list, name="org_proposals"),
    path("orgs/<str:code>/proposals/stats/", public.proposal_stats, name="org_proposal_stats"),
    path("orgs/<str:code>/proposals/stats.xlsx", public.proposal_stats_xlsx, name="org_proposal_stats_xlsx"),
    path("orgs/<str:code>/service-guides/", public.guide_list, name="guides"),
    path("service-guides/<int:pk>/", public.guide_detail, name="guide"),
    path("service-guides/<int:pk>/versions/<int:number>/", public.guide_detail, name="guide_version"),
    path("powers/", public.power_index, name="powers"),
    path("orgs/<str:code>/powers/", public.power_page, name="power_list"),
    path("orgs/<str:code>/powers/v<int:number>/", public.power_page, name="power_version"),
    path("orgs/<str:code>/powers/v<int:number>/changes/", public.power_changes, name="power_changes"),
    path("policy-qa/", public.qa_list, name="qas"),
    path("policy-qa/<int:pk>/", public.qa_detail, name="qa"),
    path("orgs/<str:code>/policy-qa/", public.qa_list, name="org_qas"),
]
