from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "chiso.web.dashboard"
    label = "dashboard"
    verbose_name = "Kết quả chỉ số"
