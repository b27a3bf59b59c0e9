from django.urls import path

from gongkai.orgs import views as org_views
from gongkai.publishing.views import staff

app_name = "staff"

urlpatterns = [
    path("", staff.dashboard, name="dashboard"),
    path("login/", staff.login_view, name="login"),
    path("logout/", staff.logout_view, name="logout"),
    path("items/", staff.item_list, name="items"),
    path("items/new/", staff.item_new, name="item_new"),
    path("items/<int:pk>/", staff.item_detail, name="item"),
    path("items/<int:pk>/transition/", staff.item_transition, name="item_transition"),
    path("items/<int:pk>/revise/", staff.item_revise, name="item_revise"),
    path("items/<int:pk>/validity/", staff.item_validity, name="item_validity"),
    path(
        "items/<int:pk>/attachments/<int:attachment_id>/delete/",
        staff.attachment_delete,
        name="attachment_delete",
    ),
    path("items/<int:pk>/revisions/<int:number>/", staff.revision_detail, name="revision"),
    path("items/<int:pk>/relations/", staff.relation_add, name="relation_add"),
    path("items/<int:pk>/structured/", staff.item_structured, name="item_structured"),
    path("items/<int:pk>/relations/<int:relation_id>/delete/", staff.relation_remove, name="relation_remove"),
    path("cleanup/", staff.cleanup_list, name="cleanups"),
    path("cleanup/<int:pk>/", staff.cleanup_detail, name="cleanup"),
    path("budgets/", staff.budget_edit, name="budgets"),
    path("standard-catalog/", staff.standard_catalog_edit, name="standard_catalog"),
    path("gazette/", staff.gazette_list, name="gazette"),
    path("gazette/<int:pk>/", staff.gazette_issue, name="gazette_issue"),
    path("columns/", staff.column_list, name="columns"),
    path("columns/<int:pk>/", staff.column_edit, name="column"),
    path("users/", org_views.user_list, name="users"),
    path("users/memberships/<int:pk>/revoke/", org_views.membership_revoke, name="membership_revoke"),
]
