"""Cradle."""
