from django.apps import AppConfig


class DatasetsConfig(AppConfig):
    name = "chiso.web.datasets"
    label = "datasets"
    verbose_name = "Dữ liệu nhập"
