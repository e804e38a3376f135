"""Browser tests (a package, so the browser fixture can be package-scoped)."""
