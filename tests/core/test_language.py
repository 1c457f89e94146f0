from django.urls import reverse


def test_interface_is_chinese_even_when_the_browser_asks_for_english(client, city_staff, chinese_default):
    client.force_login(city_staff)
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.content.decode().count('lang="zh-hans"') == 1


def test_the_language_switcher_choice_wins(client, city_staff, chinese_default):
    client.force_login(city_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert 'lang="en"' in response.content.decode()


def test_an_unknown_language_cookie_falls_back_to_chinese(client, city_staff, chinese_default, settings):
    client.force_login(city_staff)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert 'lang="zh-hans"' in client.get(reverse("home")).content.decode()
