"""Remediation actions: accepted solutions turned into tracked work, with a next-year projection."""
