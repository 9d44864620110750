"""The taxonomy's codes as plain strings, so the classifier needs no Django to load.

choices.py builds the Django TextChoices (with labels) from the same values.
"""

from __future__ import annotations

FIELDS = ("type", "category", "urgency")
TYPES = ("consult", "repair", "complaint", "suggestion", "praise")
CATEGORIES = (
    "elevator",
    "plumbing",
    "electrical",
    "fire_gas",
    "security",
    "noise",
    "renovation",
    "sanitation",
    "greening",
    "parking",
    "fees",
    "pets",
    "facilities",
    "neighbor",
    "service",
    "other",
)
EMERGENCY, URGENT, NORMAL = "emergency", "urgent", "normal"
URGENCIES = (EMERGENCY, URGENT, NORMAL)
CODES = {"type": TYPES, "category": CATEGORIES, "urgency": URGENCIES}
URGENCY_RANK = {NORMAL: 0, URGENT: 1, EMERGENCY: 2}
# types that ask or tell rather than report a fault now
QUIET_TYPES = frozenset({"consult", "suggestion", "praise"})
