from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "chiso.web.audit"
    label = "audit"
    verbose_name = "Nhật ký"
