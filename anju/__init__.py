"""Anju (安居): property-management customer service and operations."""

from .celery import app as celery_app

__all__ = ["celery_app"]
