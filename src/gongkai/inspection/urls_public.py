"""Public pages of the inspection: the 社会评议 vote of an assessment."""

from django.urls import path

from gongkai.inspection.views import public

app_name = "inspection_public"

urlpatterns = [
    path("pingyi/<int:pk>/", public.vote, name="vote"),
]
