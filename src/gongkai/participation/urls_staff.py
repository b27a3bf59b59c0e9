from django.urls import path

from gongkai.participation.views import consultations, staff

app_name = "participation_staff"

urlpatterns = [
    path("", staff.inbox, name="inbox"),
    path("register/", staff.register, name="register"),
    path("mailboxes/", staff.mailboxes, name="mailboxes"),
    path("mailboxes/<int:pk>/toggle/", staff.mailbox_toggle, name="mailbox_toggle"),
    path("consultations/", consultations.staff_list, name="consultations"),
    path("consultations/<int:pk>/", consultations.staff_detail, name="consultation"),
    path("consultations/<int:pk>/close/", consultations.staff_close, name="consultation_close"),
    path("consultations/<int:pk>/report.docx", consultations.staff_report, name="consultation_report"),
    path(
        "consultations/<int:pk>/report/publish/",
        consultations.staff_report_publish,
        name="consultation_report_publish",
    ),
    path(
        "consultations/<int:pk>/comments/<int:comment_id>/", consultations.staff_decide, name="comment_decide"
    ),
    path(
        "consultations/<int:pk>/comments/<int:comment_id>/moderate/",
        consultations.staff_moderate,
        name="comment_moderate",
    ),
    path(
        "consultations/<int:pk>/attachments/<int:attachment_id>/",
        consultations.staff_attachment,
        name="comment_attachment",
    ),
    path("consultations/<int:pk>/files/", consultations.staff_file_add, name="consultation_file_add"),
    path(
        "consultations/<int:pk>/files/<int:attachment_id>/remove/",
        consultations.staff_file_remove,
        name="consultation_file_remove",
    ),
    path("<int:pk>/attachments/<int:attachment_id>/", staff.attachment, name="attachment"),
    path("<int:pk>/", staff.detail, name="detail"),
    path("<int:pk>/<str:action>/", staff.act, name="act"),
]
