"""Civil Code art. 944: no cutting water, power, gas or heating to collect fees.

No stage, channel, task, outcome or event exists that does it; no shipped script, FAQ
answer or printed demand threatens it; a campaign script that does is refused."""

from __future__ import annotations

import pytest
from django.db import models

from anju.core.errors import ValidationFailed
from anju.core.tests.pdfs import pdf_text
from anju.dunning import choices, services
from anju.dunning.choices import Channel, Segment, Stage
from anju.dunning.documents_pdf import document_pdf
from anju.dunning.models import DunningDocument, FaqEntry
from anju.dunning.scripts import DEFAULT_SCRIPTS, forbidden_phrases
from anju.notifications.catalogue import DEFAULT_TEMPLATES

from .conftest import NOW

UTILITY_WORDS = [
    "停水", "停电", "停气", "停暖", "断水", "断电", "断气", "供水", "供电", "供暖",
    "供热", "燃气", "utility", "water", "power", "electric", "gas", "heat", "cut",
]  # fmt: skip


def _all_choices() -> list[tuple[str, str]]:
    found = []
    for value in vars(choices).values():
        if isinstance(value, type) and issubclass(value, models.Choices):
            if value.__module__ == choices.__name__:
                found += [(str(v), str(label)) for v, label in value.choices]
    return found


def test_no_stage_channel_task_or_outcome_cuts_a_utility():
    pairs = _all_choices()
    assert len(pairs) > 40  # every choice set of the app is looked at
    offending = [
        (value, label)
        for value, label in pairs
        if any(w in value.lower() or w in label for w in UTILITY_WORDS)
    ]
    assert offending == []
    assert [s.value for s in Stage] == [
        "reminder",
        "notice",
        "lawyer_letter",
        "mediation",
        "lawsuit",
    ]
    assert set(Channel.values) == {"sms", "wechat", "phone", "visit"}


def test_no_shipped_script_or_reminder_template_threatens_it():
    assert set(DEFAULT_SCRIPTS) == set(Segment.values)
    for script in DEFAULT_SCRIPTS.values():
        assert forbidden_phrases(script) == []
    for channel, template in DEFAULT_TEMPLATES["dunning_reminder"].items():
        assert forbidden_phrases(template.subject + template.body) == [], channel


def test_the_faq_mentions_utilities_only_to_say_they_are_never_cut(db):
    answers = list(FaqEntry.objects.values_list("question", "answer"))
    assert len(answers) >= 10
    for question, answer in answers:
        if forbidden_phrases(question + answer) or "供水" in answer:
            assert answer.startswith("不会"), question
            assert "第九百四十四条" in answer


@pytest.mark.parametrize(
    "threat",
    [
        "逾期不缴将停水停电",
        "如不缴费，物业将暂停供暖。",
        "我们将关停燃气直至缴清",
        "欠费业主将被停用门禁卡",
        "三日内不缴 拉闸处理",
    ],
)
def test_a_script_that_threatens_it_is_refused(community, finance, threat):
    with pytest.raises(ValidationFailed) as err:
        services.campaign_create(
            community=community,
            actor=finance,
            name="强硬催缴",
            segment=Segment.LONG_OVERDUE,
            channel=Channel.SMS,
            script="{{ owner }}您好，您已欠费{{ amount }}元，" + threat,
        )
    assert err.value.code == "dunning_script_forbidden"
    assert "第九百四十四条" in err.value.message


def test_printed_demands_threaten_nothing_of_the_kind(case, finance):
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    text = pdf_text(document_pdf(actor=finance, pk=DunningDocument.objects.get().pk)[1])
    assert forbidden_phrases(text) == []
