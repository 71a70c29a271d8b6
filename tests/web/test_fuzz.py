"""Hypothesis-generated requests against the production server: never a 5xx."""

import json
import urllib.error
import urllib.request

import pytest
from hypothesis import HealthCheck, given, settings

from ..fuzzing import requests
from ..servers import serving_corpus

pytestmark = pytest.mark.server  # starts python -m webapp (gunicorn)

LONGEST_LINE = 8190  # gunicorn's limit_request_line, set in webapp/__main__.py


@pytest.fixture(scope="module")
def base_url(tmp_path_factory):
    with serving_corpus(tmp_path_factory.mktemp("fuzz")) as url:
        yield url


def fetch(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(path=requests())
def test_no_request_gets_a_server_error(base_url, path):
    status, body = fetch(base_url + path)
    assert status < 500, (path, body[:300])
    if len(f"GET {path} HTTP/1.1") > LONGEST_LINE:
        assert status in (400, 414)  # refused by gunicorn before the app: not JSON
        return
    data = json.loads(body)  # always JSON, errors included
    if status >= 400:
        assert set(data["error"]) == {"code", "message"}
