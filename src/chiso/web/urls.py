"""URLs. Paths are Vietnamese without diacritics, so a clerk can read and dictate them."""

from django.contrib import admin
from django.contrib.auth import views as auth
from django.urls import path

from chiso.web import views
from chiso.web.actions import views as actions
from chiso.web.audit import views as audit
from chiso.web.campaigns import views as campaigns
from chiso.web.conference import attendance
from chiso.web.conference import views as conference
from chiso.web.dashboard import views as dashboard
from chiso.web.datasets import views as datasets

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
    path("tham-luan/<int:pk>/phan-cong/", campaigns.assignment_list, name="assignment_list"),
    path(
        "tham-luan/<int:pk>/phan-cong/<int:assignment_pk>/",
        campaigns.assignment_edit,
        name="assignment_edit",
    ),
    path("tham-luan/<int:pk>/hanh-dong/", actions.action_list, name="action_list"),
    path("tham-luan/<int:pk>/hanh-dong/tao/", actions.action_create, name="action_create"),
    path("tham-luan/<int:pk>/hanh-dong.xlsx", actions.action_export, name="action_export"),
    path("hanh-dong/", actions.action_overview, name="action_overview"),
    path("hanh-dong.xlsx", actions.action_overview_export, name="action_overview_export"),
    path("hanh-dong/<int:pk>/cap-nhat/", actions.action_update, name="action_update"),
    path("hanh-dong/<int:pk>/minh-chung/", actions.evidence_add, name="evidence_add"),
    path(
        "hanh-dong/<int:pk>/minh-chung/<int:evidence_pk>/",
        actions.evidence_download,
        name="evidence_download",
    ),
    path(
        "hanh-dong/<int:pk>/minh-chung/<int:evidence_pk>/go/",
        actions.evidence_remove,
        name="evidence_remove",
    ),
    path("tham-luan/bai/<int:pk>/", campaigns.contribution_detail, name="contribution_detail"),
    path(
        "tham-luan/bai/<int:pk>/duyet/",
        campaigns.contribution_review,
        name="contribution_review",
    ),
    path("tham-luan/bai/<int:pk>/phien-ban/", campaigns.version_list, name="version_list"),
    path(
        "tham-luan/bai/<int:pk>/phien-ban/<int:number>/",
        campaigns.version_detail,
        name="version_detail",
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
    # Hội nghị (chiso.web.conference): <pk> is the campaign's.
    path("hoi-nghi/", conference.conference_list, name="conference_list"),
    path("tham-luan/<int:pk>/hoi-nghi/", conference.conference_detail, name="conference_detail"),
    path("tham-luan/<int:pk>/hoi-nghi/sua/", conference.conference_edit, name="conference_edit"),
    path(
        "tham-luan/<int:pk>/hoi-nghi/nhap-yaml/",
        conference.conference_import,
        name="conference_import",
    ),
    path(
        "tham-luan/<int:pk>/hoi-nghi/giay-moi.docx",
        conference.invitation_docx,
        name="invitation_docx",
    ),
    path(
        "tham-luan/<int:pk>/hoi-nghi/giay-moi.pdf", conference.invitation_pdf, name="invitation_pdf"
    ),
    path("tham-luan/<int:pk>/hoi-nghi/kich-ban.docx", conference.script_docx, name="script_docx"),
    path("tham-luan/<int:pk>/hoi-nghi/kich-ban.pdf", conference.script_pdf, name="script_pdf"),
    path("tham-luan/<int:pk>/so-tham-luan.pdf", conference.book_pdf, name="campaign_book_pdf"),
    path(
        "tham-luan/<int:pk>/hoi-nghi/nhiem-vu/them/",
        conference.task_create,
        name="conference_task_create",
    ),
    path("hoi-nghi/nhiem-vu/<int:task_pk>/sua/", conference.task_edit, name="conference_task_edit"),
    path(
        "hoi-nghi/nhiem-vu/<int:task_pk>/xoa/",
        conference.task_delete,
        name="conference_task_delete",
    ),
    path(
        "hoi-nghi/nhiem-vu/<int:task_pk>/xong/",
        conference.task_toggle,
        name="conference_task_toggle",
    ),
    path("tham-luan/<int:pk>/hoi-nghi/dai-bieu/", attendance.attendee_list, name="attendee_list"),
    path(
        "tham-luan/<int:pk>/hoi-nghi/dai-bieu/them/", attendance.attendee_add, name="attendee_add"
    ),
    path(
        "tham-luan/<int:pk>/hoi-nghi/dai-bieu/tao-san/",
        attendance.attendee_prefill,
        name="attendee_prefill",
    ),
    path(
        "tham-luan/<int:pk>/hoi-nghi/danh-sach-dai-bieu/",
        attendance.sign_in_sheet,
        name="sign_in_sheet",
    ),
    path(
        "tham-luan/<int:pk>/hoi-nghi/dai-bieu.xlsx",
        attendance.attendee_export,
        name="attendee_export",
    ),
    path(
        "hoi-nghi/dai-bieu/<int:attendee_pk>/sua/", attendance.attendee_edit, name="attendee_edit"
    ),
    path(
        "hoi-nghi/dai-bieu/<int:attendee_pk>/xoa/",
        attendance.attendee_delete,
        name="attendee_delete",
    ),
    path(
        "hoi-nghi/dai-bieu/<int:attendee_pk>/diem-danh/",
        attendance.attendee_check_in,
        name="attendee_check_in",
    ),
    path("ket-qua/", dashboard.results_latest, name="results_latest"),
    path("ket-qua/<int:year>/", dashboard.results, name="results"),
    path("ket-qua/<int:year>/diem-bi-tru.xlsx", dashboard.results_export, name="results_export"),
    path(
        "ket-qua/<int:year>/bieu-do/<slug:name>.svg", dashboard.results_chart, name="results_chart"
    ),
    path("ket-qua/<int:year>/sipas/", dashboard.survey, name="survey"),
    path(
        "ket-qua/<int:year>/sipas/bieu-do/<slug:name>.svg",
        dashboard.survey_chart,
        name="survey_chart",
    ),
    path("ket-qua/<int:year>/sipas.xlsx", dashboard.survey_export, name="survey_export"),
    path("du-lieu/", datasets.dataset_list, name="dataset_list"),
    path("du-lieu/nhap/", datasets.dataset_import, name="dataset_import"),
    path("du-lieu/<int:pk>/dung-lai/", datasets.dataset_activate, name="dataset_activate"),
    path("nhat-ky/", audit.audit_list, name="audit_list"),
    path("quan-tri/", admin.site.urls),
]

admin.site.site_header = "chiso — quản trị"
admin.site.site_title = "chiso"
