"""Users and roles, households and their members, and THE permission policy (access.py)."""
