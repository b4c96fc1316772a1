"""Schemathesis over the OpenAPI spec: generated requests to every route never get a 5xx."""

import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings

from qa.api import build_api
from qa.service import Service
from tests.conftest import SEEDS, make_settings


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory):
    root = tmp_path_factory.mktemp("schema")
    service = Service(make_settings(root, upload_dir=root / "uploads"))
    service.ingest([SEEDS], show_progress=False)
    return schemathesis.openapi.from_asgi("/openapi.json", build_api(service))


def _no_model(case) -> None:
    """Keep generated requests on the extractive backend: this test is about the HTTP layer, and a
    randomly chosen "llamacpp" would spend minutes generating (the real LLM has its own tests). Generated
    URLs to fetch are pointed at 127.0.0.1 (refused as private): no test reaches outside the machine, not even
    for a DNS lookup."""
    if isinstance(case.body, dict):
        if "backend" in case.body:
            case.body["backend"] = "extractive"
        if "model" in case.body:
            case.body["model"] = "qa-extractive"
        for key in ("urls", "feeds"):
            if isinstance(case.body.get(key), list):
                case.body[key] = [_local(url) for url in case.body[key]]


def _local(url):
    return re.sub(r"^(https?://)[^/?#]*", r"\g<1>127.0.0.1", url) if isinstance(url, str) else url


def test_no_route_answers_generated_requests_with_a_server_error(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    for operation in operations:

        @given(case=operation.as_strategy())
        @settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def check(case):
            _no_model(case)
            response = case.call()
            assert response.status_code < 500, (
                f"{case.method} {case.path}: {response.status_code} {response.text[:300]}"
            )

        check()
