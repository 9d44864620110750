"""Providers for tests: one that records what it sends, one that fails a few times."""

from __future__ import annotations

from anju.notifications.providers import OutgoingMessage, ProviderError


class RecordingProvider:
    sent: list[OutgoingMessage] = []

    def send(self, message: OutgoingMessage) -> str:
        RecordingProvider.sent.append(message)
        return f"rec-{len(RecordingProvider.sent)}"


class FlakyProvider:
    """Refuses the first `failures` sends, then records like RecordingProvider."""

    failures = 0
    calls = 0

    def send(self, message: OutgoingMessage) -> str:
        FlakyProvider.calls += 1
        if FlakyProvider.calls <= FlakyProvider.failures:
            raise ProviderError(f"网关超时（第 {FlakyProvider.calls} 次）")
        return RecordingProvider().send(message)
