"""The chiso web application (Django): accounts and roles, the tham luận campaign, the audit log.

Nothing in the core imports this package; it calls the core (``chiso.parindex``, ``chiso.units``)
exactly as the CLI does.
"""
