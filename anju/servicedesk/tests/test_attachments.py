"""Ticket photos: accepted by content, decoded, thumbnailed, stored out of the web root
and served only to users who may see the ticket."""

from __future__ import annotations

import io
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import OperationalError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from PIL import ExifTags, Image
from rest_framework.test import APIClient

from anju.accounts.choices import Role
from anju.accounts.tests.factories import OwnerUserFactory, StaffFactory
from anju.core.errors import (
    InvalidTransition,
    NotFound,
    PermissionDenied,
    ValidationFailed,
)
from anju.estates.tests.factories import HouseFactory, HouseResidentFactory
from anju.servicedesk import services
from anju.servicedesk.choices import (
    MAX_ATTACHMENTS_PER_TICKET,
    Category,
    EventKind,
)
from anju.servicedesk.models import Ticket, TicketAttachment, TicketEvent
from anju.servicedesk.owner_services import ticket_submit_by_owner

from .factories import make_ticket


def picture(
    fmt: str = "JPEG", size: tuple[int, int] = (40, 20), **save: object
) -> bytes:
    image = Image.new("RGB" if fmt == "JPEG" else "RGBA", size, (200, 30, 30))
    out = io.BytesIO()
    image.save(out, format=fmt, **save)
    return out.getvalue()


def photo(
    content: bytes | None = None, name: str = "漏水.jpg", ctype: str = "image/jpeg"
):
    return SimpleUploadedFile(name, picture() if content is None else content, ctype)


def stored_files() -> list[str]:
    root = Path(default_storage.location)
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def ticket(agent, house):
    return make_ticket(actor=agent, house=house)


# --- the service: what is accepted ---------------------------------------------------


def test_photo_is_stored_with_sniffed_type_size_dimensions_and_thumbnail(agent, ticket):
    # given a PNG picture that calls itself a JPEG
    content = picture("PNG", size=(800, 400))
    # when
    att = services.attachment_add(
        actor=agent, ticket=ticket, file=photo(content, "门口.jpg", "image/jpeg")
    )
    # then it is recorded as what it is
    assert (att.original_name, att.content_type, att.size) == (
        "门口.jpg",
        "image/png",
        len(content),
    )
    assert (att.width, att.height, att.uploaded_by) == (800, 400, agent)
    assert att.stored_name.endswith(".png")
    # under a random name of ours, and with a 320px JPEG thumbnail
    assert "门口" not in att.stored_name
    with default_storage.open(att.stored_name) as fh:
        assert fh.read() == content
    with default_storage.open(att.thumbnail_name) as fh:
        thumb = Image.open(io.BytesIO(fh.read()))
        assert (thumb.format, thumb.size) == ("JPEG", (320, 160))


def test_text_file_named_jpg_is_refused_and_nothing_is_stored(agent, ticket):
    # when
    with pytest.raises(ValidationFailed) as err:
        services.attachment_add(
            actor=agent, ticket=ticket, file=photo(b"hello, not a picture", "a.jpg")
        )
    # then
    assert err.value.code == "upload_type_not_allowed"
    assert "「a.jpg」" in err.value.fields["photos"][0]
    assert ticket.attachments.count() == 0
    assert stored_files() == []


def test_jpeg_header_with_garbage_body_is_refused(agent, ticket):
    broken = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x13" * 4000
    with pytest.raises(ValidationFailed) as err:
        services.attachment_add(actor=agent, ticket=ticket, file=photo(broken))
    assert err.value.code == "upload_image_invalid"
    assert "图片已损坏或无法识别" in err.value.message
    assert ticket.attachments.count() == 0


def test_truncated_jpeg_is_refused(agent, ticket):
    whole = picture(size=(64, 64))
    with pytest.raises(ValidationFailed) as err:
        services.attachment_add(
            actor=agent, ticket=ticket, file=photo(whole[: len(whole) // 2])
        )
    assert err.value.code == "upload_image_invalid"


def test_photo_over_the_size_limit_is_refused(agent, ticket, settings):
    settings.ANJU_MAX_PHOTO_BYTES = 1000
    with pytest.raises(ValidationFailed) as err:
        services.attachment_add(
            actor=agent, ticket=ticket, file=photo(picture(size=(300, 300)))
        )
    assert err.value.code == "upload_too_large"
    assert "文件过大" in err.value.fields["photos"][0]


def test_exif_is_removed_and_orientation_applied(agent, ticket):
    # given a phone photo lying on its side, with the camera and a GPS position
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = 6  # rotate 90° to display
    exif[ExifTags.Base.Make] = "SecretPhone"
    content = picture(size=(40, 20), exif=exif.tobytes())
    # when
    att = services.attachment_add(actor=agent, ticket=ticket, file=photo(content))
    # then the stored picture stands upright and carries no metadata
    assert (att.width, att.height) == (20, 40)
    with default_storage.open(att.stored_name) as fh:
        data = fh.read()
    assert b"SecretPhone" not in data
    assert dict(Image.open(io.BytesIO(data)).getexif()) == {}
    with default_storage.open(att.thumbnail_name) as fh:
        assert Image.open(io.BytesIO(fh.read())).size == (20, 40)


def test_one_bad_photo_of_several_saves_none(agent, ticket):
    files = [photo(), photo(b"GIF89a-not-really", "b.gif"), photo(name="c.jpg")]
    with pytest.raises(ValidationFailed) as err:
        services.attachments_add(actor=agent, ticket=ticket, files=files)
    assert err.value.code == "upload_image_invalid"
    assert err.value.fields["photos"] == [
        "「b.gif」图片已损坏或无法识别，请重新拍摄或选择。"
    ]
    assert ticket.attachments.count() == 0
    assert ticket.events.filter(kind=EventKind.ATTACHMENT).count() == 0
    assert stored_files() == []


def test_at_most_nine_photos_per_ticket(agent, ticket):
    services.attachments_add(
        actor=agent,
        ticket=ticket,
        files=[photo() for _ in range(MAX_ATTACHMENTS_PER_TICKET - 1)],
    )
    with pytest.raises(ValidationFailed) as err:
        services.attachments_add(actor=agent, ticket=ticket, files=[photo(), photo()])
    assert err.value.code == "attachment_limit_reached"
    assert "还可上传 1 张" in err.value.message
    assert ticket.attachments.count() == MAX_ATTACHMENTS_PER_TICKET - 1


def test_upload_writes_one_timeline_event(agent, ticket):
    rows = services.attachments_add(
        actor=agent, ticket=ticket, files=[photo(name="a.jpg"), photo(name="b.jpg")]
    )
    event = ticket.events.get(kind=EventKind.ATTACHMENT)
    assert (event.actor, event.note) == (agent, "2 张：a.jpg、b.jpg")
    assert event.data == {"attachments": [r.pk for r in rows]}


def test_database_failure_removes_the_stored_files(agent, ticket, monkeypatch):
    # given the timeline write fails after the files were written
    def boom(*args, **kwargs):
        raise RuntimeError("database is gone")

    monkeypatch.setattr(services, "_event", boom)
    # when
    with pytest.raises(RuntimeError):
        services.attachments_add(actor=agent, ticket=ticket, files=[photo(), photo()])
    # then neither a row nor a file is left
    assert TicketAttachment.objects.count() == 0
    assert stored_files() == []


def test_failed_commit_removes_the_stored_files(agent, ticket, monkeypatch):
    # given a database that refuses the commit, after every row was written
    real_atomic = transaction.atomic

    @contextmanager
    def commit_fails(*args, **kwargs):
        with real_atomic(*args, **kwargs):
            yield
            raise OperationalError("disk I/O error")

    monkeypatch.setattr(transaction, "atomic", commit_fails)
    # when
    with pytest.raises(OperationalError):
        services.attachments_add(actor=agent, ticket=ticket, files=[photo(), photo()])
    # then no file is left behind
    assert stored_files() == []
    assert TicketAttachment.objects.count() == 0


# --- the service: who may attach ------------------------------------------------------


def test_assigned_technician_attaches_others_without_the_right_may_not(
    agent, supervisor, technician, ticket, community
):
    # given the ticket assigned to the technician, and a second technician
    services.ticket_accept(ticket=ticket, actor=agent)
    services.ticket_assign(ticket=ticket, actor=supervisor, assignee=technician)
    other = StaffFactory(
        role=Role.TECHNICIAN, username="tech2", communities=[community]
    )
    # when
    services.attachment_add(actor=technician, ticket=ticket, file=photo())
    with pytest.raises(PermissionDenied) as err:
        services.attachment_add(actor=other, ticket=ticket, file=photo())
    # then
    assert err.value.code == "ticket_not_assignee"
    assert list(ticket.attachments.values_list("uploaded_by", flat=True)) == [
        technician.pk
    ]


def test_outsider_cannot_attach(outsider, ticket):
    with pytest.raises(NotFound):
        services.attachment_add(actor=outsider, ticket=ticket, file=photo())
    assert ticket.attachments.count() == 0


def test_owner_attaches_to_own_ticket_only(owner, agent, ticket, community):
    # given a ticket of another house
    other_house = HouseFactory(unit__building__community=community, room="902")
    theirs = make_ticket(actor=agent, house=other_house)
    # when
    att = services.attachment_add(actor=owner, ticket=ticket, file=photo())
    with pytest.raises(NotFound):
        services.attachment_add(actor=owner, ticket=theirs, file=photo())
    # then
    assert att.uploaded_by == owner
    assert theirs.attachments.count() == 0


def test_cancelled_ticket_takes_no_photos(agent, ticket):
    services.ticket_cancel(ticket=ticket, actor=agent, reason="重复登记")
    with pytest.raises(InvalidTransition):
        services.attachment_add(actor=agent, ticket=ticket, file=photo())


def test_ticket_created_with_photos_or_not_at_all(agent, house):
    # when the intake carries one bad photo
    with pytest.raises(ValidationFailed):
        make_ticket(actor=agent, house=house, photos=[photo(), photo(b"nope", "x.jpg")])
    # then no ticket was numbered or stored
    assert Ticket.objects.count() == 0
    # and with good photos the ticket has them
    ticket = make_ticket(actor=agent, house=house, photos=[photo(), photo()])
    assert ticket.attachments.count() == 2
    assert list(ticket.events.values_list("kind", flat=True)) == [
        EventKind.CREATED,
        EventKind.ATTACHMENT,
    ]


def test_owner_submits_with_photos(owner, house):
    ticket = ticket_submit_by_owner(
        actor=owner,
        house=house,
        type="repair",
        category=Category.PLUMBING,
        description="卫生间漏水",
        contact_name="张三",
        photos=[photo(picture("WEBP"), "IMG_1.webp", "image/webp")],
    )
    att = ticket.attachments.get()
    assert (att.content_type, att.uploaded_by) == ("image/webp", owner)


# --- serving ----------------------------------------------------------------------------


def _urls(att: TicketAttachment) -> tuple[str, str]:
    return (
        reverse("servicedesk:attachment_file", args=[att.pk]),
        reverse("servicedesk:attachment_thumb", args=[att.pk]),
    )


def test_photo_and_thumbnail_are_served_to_staff_with_safe_headers(
    client, agent, technician, ticket
):
    # given
    content = picture("PNG")
    att = services.attachment_add(
        actor=agent, ticket=ticket, file=photo(content, "a.jpg")
    )
    full_url, thumb_url = _urls(att)
    client.force_login(technician)
    # when
    full = client.get(full_url)
    thumb = client.get(thumb_url)
    # then the sniffed type, shown inline, never sniffed again by the browser
    assert full.status_code == 200
    assert b"".join(full.streaming_content) == content
    assert full["Content-Type"] == "image/png"
    assert full["X-Content-Type-Options"] == "nosniff"
    assert full["Content-Disposition"].startswith("inline")
    assert "private" in full["Cache-Control"]
    assert (thumb.status_code, thumb["Content-Type"]) == (200, "image/jpeg")
    assert thumb["Content-Disposition"].startswith("inline")


def test_photo_is_not_reachable_at_a_media_url(client, agent, ticket):
    att = services.attachment_add(actor=agent, ticket=ticket, file=photo())
    client.force_login(agent)
    assert client.get(f"/media/{att.stored_name}").status_code == 404


def test_outsider_and_anonymous_get_no_photo(client, agent, outsider, ticket):
    att = services.attachment_add(actor=agent, ticket=ticket, file=photo())
    full_url, thumb_url = _urls(att)
    # anonymous: sent to log in
    assert client.get(full_url).status_code == 302
    # another community's supervisor: 404, as for a photo that does not exist
    client.force_login(outsider)
    assert client.get(full_url).status_code == 404
    assert client.get(thumb_url).status_code == 404


def test_owner_sees_own_photos_and_not_another_houses(
    client, agent, owner, house, community
):
    # given a photo on the owner's ticket and one on a neighbour's
    own_ticket = make_ticket(actor=agent, house=house)
    neighbour = HouseFactory(unit__building__community=community, room="902")
    HouseResidentFactory(house=neighbour)
    their_ticket = make_ticket(actor=agent, house=neighbour)
    own = services.attachment_add(actor=agent, ticket=own_ticket, file=photo())
    theirs = services.attachment_add(actor=agent, ticket=their_ticket, file=photo())
    client.force_login(owner)
    # then
    assert [client.get(u).status_code for u in _urls(own)] == [200, 200]
    assert [client.get(u).status_code for u in _urls(theirs)] == [404, 404]


def test_missing_file_is_a_404_not_an_error(client, agent, ticket):
    att = services.attachment_add(actor=agent, ticket=ticket, file=photo())
    default_storage.delete(att.stored_name)
    client.force_login(agent)
    assert client.get(_urls(att)[0]).status_code == 404


# --- the staff pages --------------------------------------------------------------------


def test_intake_saves_the_ticket_with_its_photos(client, agent, house):
    client.force_login(agent)
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "house": house.pk,
            "type": "repair",
            "channel": "phone",
            "category": "plumbing",
            "urgency": "normal",
            "contact_name": "张三",
            "description": "厨房漏水",
            "photos": [photo(name="1.jpg"), photo(picture("PNG"), "2.png")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert sorted(ticket.attachments.values_list("original_name", flat=True)) == [
        "1.jpg",
        "2.png",
    ]


def test_intake_with_a_bad_photo_shows_the_error_and_saves_nothing(
    client, agent, house
):
    client.force_login(agent)
    response = client.post(
        reverse("servicedesk:intake"),
        {
            "house": house.pk,
            "type": "repair",
            "channel": "phone",
            "category": "plumbing",
            "urgency": "normal",
            "contact_name": "张三",
            "description": "厨房漏水",
            "photos": [photo(), photo(b"MZ\x90\x00 not a photo", "virus.jpg")],
        },
    )
    assert response.status_code == 400
    assert "「virus.jpg」文件类型不支持" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert stored_files() == []


def test_ticket_page_shows_thumbnails_linking_to_the_photo(client, agent, ticket):
    # given
    att = services.attachment_add(actor=agent, ticket=ticket, file=photo())
    client.force_login(agent)
    # when
    page = client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk]))
    # then
    body = page.content.decode()
    full_url, thumb_url = _urls(att)
    assert f'href="{full_url}"' in body
    assert f'src="{thumb_url}"' in body
    assert 'enctype="multipart/form-data"' in body


def test_staff_adds_photos_from_the_ticket_page(client, agent, ticket):
    client.force_login(agent)
    url = reverse("servicedesk:ticket_attach", args=[ticket.pk])
    response = client.post(url, {"photos": [photo(), photo()]})
    assert response.status_code == 302
    assert ticket.attachments.count() == 2
    # and a refused file comes back as a message, nothing saved
    response = client.post(
        url, {"photos": [photo(b"%PDF-1.7 x", "a.jpg")]}, follow=True
    )
    assert "文件类型不支持" in response.content.decode()
    assert ticket.attachments.count() == 2


def test_unassigned_technician_sees_photos_but_no_upload_form(
    client, agent, technician, ticket
):
    services.attachment_add(actor=agent, ticket=ticket, file=photo())
    client.force_login(technician)
    body = client.get(reverse("servicedesk:ticket_detail", args=[ticket.pk])).content
    assert reverse("servicedesk:ticket_attach", args=[ticket.pk]).encode() not in body
    assert b"/thumb/" in body


def test_ticket_page_queries_do_not_grow_with_photos(
    client, agent, ticket, django_assert_max_num_queries
):
    # given the page with one photo, measured
    client.force_login(agent)
    url = reverse("servicedesk:ticket_detail", args=[ticket.pk])
    services.attachment_add(actor=agent, ticket=ticket, file=photo())
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    # when four more photos are added
    services.attachments_add(actor=agent, ticket=ticket, files=[photo()] * 4)
    # then the page takes no more queries
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert client.get(url).status_code == 200


# --- the owner portal ------------------------------------------------------------------


def test_portal_submit_with_photos(client, owner, house):
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_create"),
        {
            "house": house.pk,
            "type": "repair",
            "category": "plumbing",
            "description": "阳台漏水",
            "contact_name": "张三",
            "photos": [photo(name="IMG_0001.JPG"), photo(name="IMG_0002.JPG")],
        },
    )
    ticket = Ticket.objects.get()
    assert response.status_code == 302
    assert ticket.attachments.count() == 2
    # and the progress page shows the thumbnails
    page = client.get(reverse("portal_tickets:ticket_detail", args=[ticket.pk]))
    for att in ticket.attachments.all():
        full_url, thumb_url = _urls(att)
        assert f'href="{full_url}"' in page.content.decode()
        assert f'src="{thumb_url}"' in page.content.decode()


def test_portal_submit_form_offers_the_camera_and_gallery(client, owner):
    client.force_login(owner)
    body = client.get(reverse("portal_tickets:ticket_create")).content.decode()
    assert 'enctype="multipart/form-data"' in body
    assert 'accept="image/*"' in body
    assert "multiple" in body


def test_portal_submit_with_a_bad_photo_saves_nothing(client, owner, house):
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_create"),
        {
            "house": house.pk,
            "type": "repair",
            "category": "plumbing",
            "description": "阳台漏水",
            "contact_name": "张三",
            "photos": [photo(), photo(b"\x89PNG\r\n\x1a\n garbage", "2.png")],
        },
    )
    assert response.status_code == 400
    assert "「2.png」图片已损坏或无法识别" in response.content.decode()
    assert Ticket.objects.count() == 0
    assert stored_files() == []


def test_owner_adds_a_photo_to_an_open_ticket_from_the_portal(
    client, owner, agent, ticket
):
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_attach", args=[ticket.pk]),
        {"photos": [photo()]},
    )
    assert response.status_code == 302
    assert ticket.attachments.get().uploaded_by == owner
    owner_view = client.get(reverse("portal_tickets:ticket_detail", args=[ticket.pk]))
    assert "上传照片" in owner_view.content.decode()


def test_owner_cannot_add_photos_to_a_neighbours_ticket(
    client, agent, owner, community
):
    neighbour = HouseFactory(unit__building__community=community, room="902")
    theirs = make_ticket(actor=agent, house=neighbour)
    client.force_login(owner)
    response = client.post(
        reverse("portal_tickets:ticket_attach", args=[theirs.pk]),
        {"photos": [photo()]},
    )
    assert response.status_code == 404
    assert TicketAttachment.objects.count() == 0


# --- the API ---------------------------------------------------------------------------


def test_api_upload_and_list_in_the_ticket(agent, ticket):
    # when
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"photos": [photo(picture("PNG"), "a.jpg"), photo(name="b.jpg")]},
        format="multipart",
    )
    # then
    assert response.status_code == 201
    created = response.json()
    assert [(a["original_name"], a["content_type"]) for a in created] == [
        ("a.jpg", "image/png"),
        ("b.jpg", "image/jpeg"),
    ]
    detail = api(agent).get(f"/api/v1/tickets/{ticket.pk}/").json()
    first = detail["attachments"][0]
    att = TicketAttachment.objects.get(pk=first["id"])
    assert (first["url"], first["thumbnail_url"]) == _urls(att)
    assert (first["width"], first["height"], first["uploaded_by_name"]) == (
        40,
        20,
        str(agent),
    )
    assert [e["kind"] for e in detail["timeline"]][-1] == EventKind.ATTACHMENT


def test_api_refuses_a_text_file_named_jpg(agent, ticket):
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"photos": [photo(b"just text", "a.jpg")]},
        format="multipart",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "upload_type_not_allowed"
    assert body["fields"]["photos"][0].startswith("「a.jpg」文件类型不支持")
    assert ticket.attachments.count() == 0


def test_api_without_a_file_is_a_400(agent, ticket):
    response = api(agent).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/", {}, format="multipart"
    )
    assert (response.status_code, response.json()["code"]) == (
        400,
        "attachment_missing",
    )


def test_api_owner_uploads_to_own_ticket_outsider_gets_404(owner, outsider, ticket):
    mine = api(owner).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"photos": [photo()]},
        format="multipart",
    )
    theirs = api(outsider).post(
        f"/api/v1/tickets/{ticket.pk}/attachments/",
        {"photos": [photo()]},
        format="multipart",
    )
    assert mine.status_code == 201
    assert theirs.status_code == 404
    assert ticket.attachments.count() == 1


def test_timeline_event_is_listed_for_the_owner(owner, agent, ticket):
    services.attachment_add(actor=agent, ticket=ticket, file=photo())
    assert (
        TicketEvent.objects.visible_to(owner).filter(kind=EventKind.ATTACHMENT).count()
        == 1
    )
    # a second owner account of another house sees nothing of it
    stranger = OwnerUserFactory(username="13900000000", company=ticket.company)
    assert TicketAttachment.objects.visible_to(stranger).count() == 0
