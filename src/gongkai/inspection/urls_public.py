"""Public pages of the inspection: the 社会评议 vote of an assessment, the published 通报."""

from django.urls import path

from gongkai.inspection.views import public

app_name = "inspection_public"

urlpatterns = [
    path("pingyi/<int:pk>/", public.vote, name="vote"),
    path("tongbao/", public.bulletins, name="bulletins"),
    path("tongbao/<int:pk>/", public.bulletin, name="bulletin"),
    path("tongbao/<int:pk>/docx/", public.bulletin_docx, name="bulletin_docx"),
]
