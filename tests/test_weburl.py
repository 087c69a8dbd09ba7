import pytest

from cashier.weburl import UrlProblem, is_loopback_host, url_refusal, web_url_problem


@pytest.mark.parametrize(
    "url",
    ["https://frontapi.ottpay.com/processV2", "http://127.0.0.1:8080/x", "http://localhost/x",
     "http://[::1]:9/x", "https://shop.example.com:8443/cb"],
)
def test_https_anywhere_and_http_on_this_computer_are_allowed(url):
    assert web_url_problem(url) is None


@pytest.mark.parametrize(
    "url",
    ["http://frontapi.ottpay.com/processV2", "http://192.168.1.10/x", "http://0.0.0.0/x",
     "http://127.0.0.1.evil.example/x", "http://localhost.evil.example/x"],
)
def test_plain_http_to_another_computer_is_refused(url):
    assert web_url_problem(url) is UrlProblem.PLAIN_HTTP


@pytest.mark.parametrize(
    "url", ["", "ftp://127.0.0.1/x", "frontapi.ottpay.com/x", "https:///x", "https://a b/x",
            "https://host:notaport/x"],
)
def test_what_is_not_a_web_address_is_refused(url):
    assert web_url_problem(url) is UrlProblem.NOT_A_WEB_ADDRESS


def test_loopback_hosts():
    assert is_loopback_host("127.255.0.1") and is_loopback_host("::1")
    assert is_loopback_host("LOCALHOST")
    assert not is_loopback_host("128.0.0.1") and not is_loopback_host(None)


@pytest.mark.parametrize(("url", "said"), [
    ("ftp://host/x", "the return URL 'ftp://host/x' is not a web address like https://host/path"),
    ("http://shop.example.com/r", "the return URL 'http://shop.example.com/r' must use https"),
    ("https://me:Hunter2pw@shop.example.com/r",
     "the return URL 'https://********@shop.example.com/r' must not hold a user name or password"),
])
def test_a_refusal_names_the_address_and_never_its_password(url, said):
    assert url_refusal(url, "the return URL").startswith(said)


def test_an_allowed_address_is_not_refused():
    assert url_refusal("http://127.0.0.1:8080/cb", "the callback URL") is None
