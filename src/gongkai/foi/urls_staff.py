from django.urls import path

from gongkai.foi.views import staff

app_name = "foi_staff"

urlpatterns = [
    path("", staff.request_list, name="list"),
    path("new/", staff.register, name="register"),
    path("letters/", staff.templates_list, name="templates"),
    path("letters/<str:org_code>/<str:kind>/", staff.template_edit, name="template_edit"),
    path("<int:pk>/", staff.request_detail, name="detail"),
    path("<int:pk>/act/<str:action>/", staff.request_act, name="act"),
    path("<int:pk>/applicant/", staff.applicant_view, name="applicant"),
    path("<int:pk>/query-code/", staff.query_code_reset, name="query_code_reset"),
    path("<int:pk>/delivery/", staff.delivery, name="delivery"),
    path("<int:pk>/remedies/", staff.remedy_add, name="remedy_add"),
    path("<int:pk>/remedies/<int:remedy_id>/", staff.remedy_update, name="remedy_update"),
    path("<int:pk>/files/", staff.file_upload, name="file_upload"),
    path("<int:pk>/files/<int:file_id>/", staff.file_download, name="file"),
    path("<int:pk>/files/<int:file_id>/delete/", staff.file_delete, name="file_delete"),
    path("<int:pk>/letter.<str:fmt>", staff.letter, name="letter"),
    path("<int:pk>/fee-letter.<str:fmt>", staff.fee_letter, name="fee_letter"),
]
