"""The demo story clock: services see the story's time inside the block only."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from anju.core.demo_clock import Story, StoryClockError, story_clock
from anju.servicedesk.models import Ticket, TicketEvent

MOMENT = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)


def test_inside_the_block_now_defaults_and_auto_now_add_read_the_story_time():
    # when
    with story_clock() as clock:
        clock.set(MOMENT)
        now = timezone.now()
        local = timezone.localtime()
        default = Ticket._meta.get_field("created_at").get_default()
        event = TicketEvent(kind="comment")
        TicketEvent._meta.get_field("created_at").pre_save(event, add=True)
        shown = timezone.template_localtime(MOMENT)  # isinstance() still holds
    # then
    assert now == MOMENT
    assert local.isoformat() == "2026-03-02T09:30:00+08:00"
    assert default == MOMENT
    assert event.created_at == MOMENT
    assert shown.isoformat() == "2026-03-02T09:30:00+08:00"


def test_the_real_clock_is_back_after_the_block_even_after_an_error():
    # given
    def failing_story() -> None:
        with story_clock() as clock:
            clock.set(MOMENT)
            raise ZeroDivisionError

    # when
    with pytest.raises(ZeroDivisionError):
        failing_story()
    # then
    assert timezone.now() > datetime(2026, 1, 1, tzinfo=UTC)
    assert timezone.now() != MOMENT


def test_the_story_never_reaches_the_future_goes_back_or_nests():
    with story_clock() as clock:
        clock.set(MOMENT)
        # then
        with pytest.raises(StoryClockError):
            clock.set(timezone.now().replace(year=2099))
        with pytest.raises(StoryClockError):
            clock.set(MOMENT - timedelta(seconds=1))
        with pytest.raises(StoryClockError):
            clock.set(datetime(2026, 3, 3))  # naive
        with pytest.raises(StoryClockError), story_clock():
            pass
        assert timezone.now() == MOMENT


def test_a_story_plays_its_steps_in_time_order_including_steps_added_while_playing():
    # given
    seen: list[tuple[str, datetime]] = []
    story = Story()

    def step(name: str) -> None:
        seen.append((name, timezone.now()))
        if name == "paid":  # a reversal a few minutes later
            later = timezone.now() + timedelta(minutes=5)
            story.at(later, lambda: step("reversed"))

    story.at(MOMENT + timedelta(hours=2), lambda: step("visited"))
    story.at(MOMENT, lambda: step("paid"))
    story.at(MOMENT, lambda: step("receipt"))
    # when
    with story_clock() as clock:
        ran = story.play(clock)
    # then
    assert ran == 4
    assert seen == [
        ("paid", MOMENT),
        ("receipt", MOMENT),
        ("reversed", MOMENT + timedelta(minutes=5)),
        ("visited", MOMENT + timedelta(hours=2)),
    ]
