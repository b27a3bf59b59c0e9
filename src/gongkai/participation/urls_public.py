from django.urls import path

from gongkai.participation.views import consultations, figures, public

app_name = "participation"

urlpatterns = [
    path("messages/", public.message_list, name="list"),
    path("messages/write/", public.write_choose, name="write_choose"),
    path("messages/write/<str:org_code>/", public.write, name="write"),
    path("messages/track/", public.track, name="track"),
    path("messages/track/<str:tracking_no>/", public.track_detail, name="track_detail"),
    path("messages/track/<str:tracking_no>/rate/", public.rate, name="rate"),
    path("messages/org/<str:org_code>/", public.org_message_list, name="org_list"),
    path("messages/figures/", figures.figures_page, name="figures"),
    path("messages/figures/<int:year>.xlsx", figures.figures_download, name="figures_xlsx"),
    path("messages/<str:tracking_no>/", public.message_detail, name="detail"),
    path("consultations/", consultations.public_list, name="consultations"),
    path("consultations/<int:pk>/", consultations.public_detail, name="consultation"),
    path("consultations/<int:pk>/report.docx", consultations.public_report, name="consultation_report"),
    path(
        "consultations/<int:pk>/files/<int:attachment_id>/",
        consultations.public_attachment,
        name="consultation_file",
    ),
    path("orgs/<str:org_code>/consultations/", consultations.org_list, name="org_consultations"),
]
