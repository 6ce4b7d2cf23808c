"""Readers of the public file formats (FORMATS.md): parse and validate, write nothing.

Each reader returns validated values or raises `FileErrors` listing every problem with its
row and field, so a service can refuse a whole file before touching the database.
"""
