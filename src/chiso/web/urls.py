"""URLs. Paths are Vietnamese without diacritics, so a clerk can read and dictate them."""

from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import path

from chiso.web import views
from chiso.web.actions import views as actions
from chiso.web.audit import views as audit
from chiso.web.campaigns import views as campaigns
from chiso.web.dashboard import views as dashboard

urlpatterns = [
    path("", views.home, name="home"),
    path("dang-nhap/", auth.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth.LogoutView.as_view(), name="logout"),
    path("mat-khau/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("mat-khau/xong/", auth.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("tham-luan/", campaigns.campaign_list, name="campaign_list"),
    path("tham-luan/mo-dot/", campaigns.campaign_create, name="campaign_create"),
    path("tham-luan/<int:pk>/", campaigns.campaign_detail, name="campaign_detail"),
    path("tham-luan/<int:pk>/dong/", campaigns.campaign_close, name="campaign_close"),
    path("tham-luan/<int:pk>/nhac-nho/", campaigns.campaign_remind, name="campaign_remind"),
    path("tham-luan/<int:pk>/so-tham-luan.docx", campaigns.campaign_book, name="campaign_book"),
    path("tham-luan/<int:pk>/hanh-dong/", actions.action_list, name="action_list"),
    path("tham-luan/<int:pk>/hanh-dong/tao/", actions.action_create, name="action_create"),
    path("tham-luan/<int:pk>/hanh-dong.xlsx", actions.action_export, name="action_export"),
    path("hanh-dong/<int:pk>/cap-nhat/", actions.action_update, name="action_update"),
    path("tham-luan/bai/<int:pk>/", campaigns.contribution_detail, name="contribution_detail"),
    path(
        "tham-luan/bai/<int:pk>/duyet/",
        campaigns.contribution_review,
        name="contribution_review",
    ),
    path("tham-luan/bai/<int:pk>/tep/", campaigns.attachment_add, name="attachment_add"),
    path(
        "tham-luan/bai/<int:pk>/tep/<int:attachment_pk>/",
        campaigns.attachment_download,
        name="attachment_download",
    ),
    path(
        "tham-luan/bai/<int:pk>/tep/<int:attachment_pk>/go/",
        campaigns.attachment_remove,
        name="attachment_remove",
    ),
    path("ket-qua/", dashboard.results_latest, name="results_latest"),
    path("ket-qua/<int:year>/", dashboard.results, name="results"),
    path("ket-qua/<int:year>/diem-bi-tru.xlsx", dashboard.results_export, name="results_export"),
    path("nhat-ky/", audit.audit_list, name="audit_list"),
    path("quan-tri/", admin.site.urls),
]

admin.site.site_header = "chiso — quản trị"
admin.site.site_title = "chiso"
