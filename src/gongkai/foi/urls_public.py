from django.urls import path

from gongkai.foi.views import public

app_name = "foi"

urlpatterns = [
    path("apply/", public.apply_choose, name="apply_choose"),
    path("apply/<str:org_code>/", public.apply, name="apply"),
    path("track/", public.track, name="track"),
    path("track/<str:tracking_no>/", public.track_detail, name="track_detail"),
    path("track/<str:tracking_no>/letter.<str:fmt>", public.track_letter, name="track_letter"),
    path("track/<str:tracking_no>/fee-letter.<str:fmt>", public.track_fee_letter, name="track_fee_letter"),
    path("track/<str:tracking_no>/files/<int:file_id>/", public.track_file, name="track_file"),
    path("withdraw/", public.withdraw, name="withdraw"),
]
