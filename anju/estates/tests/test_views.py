from django.urls import reverse


def test_agent_finds_house_by_number_and_pinyin(
    client, agent, password, house, owner_person
):
    client.force_login(agent)
    for q in ("3-2-1201", "zs", "张三", "1234"):
        page = client.get(reverse("estates:house_list"), {"q": q})
        assert page.status_code == 200
        assert "3-2-1201" in page.content.decode(), q


def test_house_page_masks_owner_phone(client, agent, password, house, owner_person):
    client.force_login(agent)
    body = client.get(reverse("estates:house_detail", args=[house.pk])).content.decode()
    assert "138****1234" in body
    assert "13812341234" not in body


def test_house_of_another_community_is_404(client, outsider, password, house):
    client.force_login(outsider)
    assert (
        client.get(reverse("estates:house_detail", args=[house.pk])).status_code == 404
    )
