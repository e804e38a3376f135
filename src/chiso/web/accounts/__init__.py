"""Users, roles and agencies; the one module of object-level permission checks."""
