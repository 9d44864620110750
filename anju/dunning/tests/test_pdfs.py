"""The printed 催缴通知书 and 律师函: the right lines and amounts, in figures and 大写."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from anju.core.errors import NotFound
from anju.core.models import AuditEvent
from anju.core.tests.pdfs import assert_in_order, pdf_text
from anju.dunning import services
from anju.dunning.choices import DeliveryMethod, EvidenceKind, Stage
from anju.dunning.documents_pdf import document_pdf
from anju.dunning.models import DunningDocument

from .conftest import NOW, TODAY
from .factories import at, owe, pay, photo


@pytest.fixture
def notice(case, finance, arrears_house):
    # 100.00 of May was paid: the notice asks for 800.00
    owe(arrears_house, "1234.56", date(2026, 5, 20), name="车位管理费")
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    return DunningDocument.objects.get()


def test_the_notice_lists_each_line_and_the_total_in_figures_and_words(notice, finance):
    # when it is printed
    document, content = document_pdf(actor=finance, pk=notice.pk)
    text = pdf_text(content)
    # then it reads, in order: title and number, addressee, the four lines, the totals
    assert_in_order(
        text,
        [
            "安居物业",
            "催缴通知书",
            "编号：CJ2026-000001",
            "致：张三（绿水苑3-2-1201业主）",
            "合计人民币2,134.56元（大写：贰仟壹佰叁拾肆元伍角陆分）",
            "物业费",
            "2026-03-01",
            "¥300.00",
            "车位管理费",
            "2026-05-20",
            "¥1,234.56",
            "欠费合计（小写）¥2,134.56",
            "欠费合计（大写）贰仟壹佰叁拾肆元伍角陆分",
            "请您于2026年6月30日前缴清上述费用",
            "送达回执",
            "签收人（签字）",
        ],
    )
    assert "第1页共" in text
    # and printing it is audited
    assert AuditEvent.objects.filter(
        object_type="dunning.dunningdocument", action="export"
    ).exists()


def test_the_notice_asks_only_for_what_is_still_owed(case, finance, arrears_house):
    pay(arrears_house, finance, "450.00", "k-half")  # March paid, April half paid
    services.case_move(case=case, to_stage=Stage.NOTICE, actor=finance, now=NOW)
    text = pdf_text(document_pdf(actor=finance, pk=DunningDocument.objects.get().pk)[1])
    assert "欠费合计（小写）¥450.00" in text
    assert "欠费合计（大写）肆佰伍拾元整" in text
    assert "2026-03-01" not in text  # the paid month is not on it


def test_a_printed_notice_keeps_its_figures_after_a_payment(notice, finance):
    pay(notice.case.house, finance, "2134.56", "k-all")
    text = pdf_text(document_pdf(actor=finance, pk=notice.pk)[1])
    assert "欠费合计（小写）¥2,134.56" in text


def test_the_lawyer_letter_names_the_firm_the_notice_and_the_amount(
    notice, case, finance
):
    services.evidence_add(
        case=case,
        actor=finance,
        kind=EvidenceKind.DELIVERY,
        document=notice,
        method=DeliveryMethod.IN_PERSON,
        delivered_on=TODAY,
        receiver="张三",
        file=photo(),
        now=at(TODAY, 16),
    )
    later = TODAY + timedelta(days=20)
    services.case_move(
        case=case,
        to_stage=Stage.LAWYER_LETTER,
        actor=finance,
        law_firm="上海安和律师事务所",
        lawyer="李明",
        now=at(later),
    )
    letter = DunningDocument.objects.get(kind="lawyer_letter")
    text = pdf_text(document_pdf(actor=finance, pk=letter.pk)[1])
    assert_in_order(
        text,
        [
            "上海安和律师事务所",
            "律师函",
            "编号：LSH2026-000001",
            "致：张三",
            "上海安和律师事务所接受安居物业",
            "指派李明律师",
            "合计人民币2,134.56元（大写：贰仟壹佰叁拾肆元伍角陆分）",
            "第九百四十四条",
            "委托人已于2026年6月15日向您送达《催缴通知书》（编号CJ2026-000001）",
            "请您于2026年7月12日前",
            "承办律师",
        ],
    )


def test_staff_of_another_community_cannot_print_it(notice, outsider, agent):
    with pytest.raises(NotFound):
        document_pdf(actor=outsider, pk=notice.pk)
    # agents of the community read it
    assert document_pdf(actor=agent, pk=notice.pk)[1].startswith(b"%PDF-")
