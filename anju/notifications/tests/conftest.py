from __future__ import annotations

import pytest

from .providers import FlakyProvider, RecordingProvider

TESTS = "anju.notifications.tests.providers"


@pytest.fixture
def recording(settings):
    """Every outside channel goes to a recording provider; returns what was sent."""
    RecordingProvider.sent = []
    FlakyProvider.calls = 0
    FlakyProvider.failures = 0
    settings.ANJU_NOTIFY_PROVIDERS = {
        "email": f"{TESTS}.RecordingProvider",
        "sms": f"{TESTS}.RecordingProvider",
        "wechat": f"{TESTS}.RecordingProvider",
    }
    settings.ANJU_QUIET_HOURS = "21:00-08:00"
    return RecordingProvider.sent
