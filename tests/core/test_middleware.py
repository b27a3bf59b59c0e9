"""Request hygiene: NUL characters refused with 400; client addresses from a trusted proxy only; admin login throttled."""

from xml.etree import ElementTree as ET

import pytest
from django.test import override_settings

from gongkai.core.models import LoginFailure
from gongkai.orgs.models import User

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/items?org=%00",
        "/orgs/%00/",
        "/feeds/items.rss?keyword=%00",
        "/search/?q=a%00b",
        "/api/3/action/package_search?q=%00",
        "/data/?q=%00",
    ],
)
def test_nul_in_the_request_is_a_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/v1/"):
        assert response.json()["error"]["code"] == "bad_character"


@pytest.mark.parametrize(
    ("url", "fmt"),
    [
        ("/open311/v2/requests.json?status=%00", "json"),
        ("/open311/v2/requests/LY%00.json", "json"),
        ("/open311/v2/services.xml?x=a%00", "xml"),
        ("/open311/v2/requests/LY%00.xml", "xml"),
    ],
)
def test_nul_in_an_open311_url_is_the_georeport_error_shape(client, url, fmt):
    response = client.get(url)
    assert response.status_code == 400
    if fmt == "xml":
        assert response["Content-Type"].startswith("text/xml")
        root = ET.fromstring(response.content)
        assert root.tag == "errors"
        errors = [{"code": int(e.findtext("code")), "description": e.findtext("description")} for e in root]
    else:
        assert response["Content-Type"].startswith("application/json")
        errors = response.json()
    assert len(errors) == 1 and errors[0]["code"] == 400
    assert errors[0]["description"].startswith("bad_character: ") and "NUL" in errors[0]["description"]


def test_nul_in_a_posted_login_is_a_failed_login_not_a_crash(client):
    response = client.post("/staff/login/", {"username": "a\x00b", "password": "x"})
    assert response.status_code == 200
    assert list(LoginFailure.objects.values_list("username", flat=True)) == ["ab"]


def test_nul_in_an_api_post_is_a_400(client):
    response = client.post("/api/3/action/package_create", {"name": "a\x00"})
    assert response.status_code == 400


def test_forwarded_address_is_believed_only_from_a_trusted_proxy(client, settings):
    from django.http import HttpResponse
    from django.test import RequestFactory

    from gongkai.core.middleware import ClientAddressMiddleware

    seen = {}

    def view(request):
        seen["addr"] = request.META["REMOTE_ADDR"]
        return HttpResponse()

    factory = RequestFactory()
    with override_settings(GONGKAI_TRUSTED_PROXIES=["127.0.0.1"]):
        middleware = ClientAddressMiddleware(view)
        middleware(factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.9"))
        assert seen["addr"] == "203.0.113.9"  # the last hop the proxy saw, not what the client claimed first
        middleware(factory.get("/", REMOTE_ADDR="198.51.100.7", HTTP_X_FORWARDED_FOR="10.0.0.1"))
        assert seen["addr"] == "198.51.100.7"  # an untrusted peer cannot choose its address
    with override_settings(GONGKAI_TRUSTED_PROXIES=[]):
        ClientAddressMiddleware(view)(
            factory.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4")
        )
        assert seen["addr"] == "127.0.0.1"


def test_django_admin_login_goes_through_the_throttled_staff_login(client):
    User.objects.create_superuser(username="root", password="Very-Secret-2026", email="")
    response = client.get("/django-admin/login/")
    assert response.status_code == 302 and response["Location"].startswith("/staff/login/")
    response = client.post("/django-admin/login/", {"username": "root", "password": "wrong"})
    assert response.status_code == 302  # no password is checked there


def test_nul_in_a_subscription_form_is_dropped_not_a_crash(client):
    response = client.post("/subscribe/", {"email": "a@example.cn", "keyword": "社保\x00"})
    assert response.status_code == 200
