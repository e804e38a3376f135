from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "chiso.web.accounts"
    label = "accounts"
    verbose_name = "Tài khoản và cơ quan"

    def ready(self) -> None:
        from axes.signals import user_locked_out

        from chiso.web.accounts.throttle import on_locked_out

        user_locked_out.connect(on_locked_out, dispatch_uid="chiso.accounts.locked_out")
