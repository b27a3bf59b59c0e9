from django.urls import path

from gongkai.policy.views import staff

app_name = "policy_staff"

urlpatterns = [
    path("", staff.index, name="index"),
    path("proposals/", staff.proposal_list, name="proposals"),
    path("proposals/new/", staff.proposal_new, name="proposal_new"),
    path("proposals/<int:pk>/", staff.proposal_detail, name="proposal"),
    path("proposals/<int:pk>/transition/", staff.proposal_transition, name="proposal_transition"),
    path("guides/", staff.guide_list, name="guides"),
    path("guides/new/", staff.guide_new, name="guide_new"),
    path("guides/<int:pk>/", staff.guide_detail, name="guide"),
    path("guides/<int:pk>/transition/", staff.guide_transition, name="guide_transition"),
    path("powers/", staff.power_index, name="powers"),
    path("powers/entries/<int:pk>/", staff.power_entry, name="power_entry"),
    path("powers/<str:code>/", staff.power_org, name="power_org"),
    path("qa/", staff.qa_list, name="qas"),
    path("qa/stale/", staff.qa_stale, name="qa_stale"),
    path("qa/new/", staff.qa_new, name="qa_new"),
    path("qa/<int:pk>/", staff.qa_detail, name="qa"),
    path("qa/<int:pk>/citations/", staff.qa_cite, name="qa_cite"),
    path("qa/citations/<int:pk>/delete/", staff.qa_uncite, name="qa_uncite"),
    path("qa/<int:pk>/transition/", staff.qa_transition, name="qa_transition"),
]
