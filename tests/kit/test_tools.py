"""The kit's tools on a real channel session over loopback HTTP: lost answers,
the HTTP recorder, log capture, secret search and sample records."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from techoms_core.http import OutcomeUnknown
from techoms_core.models import Receipt, Shipment
from techoms_core.testing import HttpRecorder, LogCapture, lose_answers, open_test_channel
from techoms_core.testing.leaks import find_secrets, find_secrets_in_files, too_short
from techoms_core.testing.samples import (
    UNKNOWN_SKU,
    refused_variant,
    sample_products,
    sample_receipts,
    sample_shipments,
)
from tests.kit.reference_plugin import make_reference_plugin
from tests.kit.reference_wms import API_KEY, ReferenceWms

DECLARATION = make_reference_plugin().channel_declaration()


@pytest.fixture
def wms() -> Iterator[ReferenceWms]:
    with ReferenceWms() as running:
        yield running


def create_order(context, wms: ReferenceWms, reference: str):
    return context.http.post(
        f"{wms.url}/orders",
        json={"reference": reference, "lines": ["REF-1"]},
        headers={"X-Key": API_KEY},
    )


def test_a_lost_answer_leaves_the_record_created_and_the_outcome_unknown(wms) -> None:
    with open_test_channel(DECLARATION, wms.channel_settings()) as context:
        with lose_answers(context.http) as lost, pytest.raises(OutcomeUnknown):
            create_order(context, wms, "A-1")
        assert lost.count == 1
        assert wms.created_count() == 1
        assert create_order(context, wms, "A-2").status_code == 201


def test_lose_answers_stops_after_its_limit(wms) -> None:
    settings = wms.channel_settings()
    with (
        open_test_channel(DECLARATION, settings) as context,
        lose_answers(context.http, limit=1) as lost,
    ):
        with pytest.raises(OutcomeUnknown):
            create_order(context, wms, "B-1")
        assert create_order(context, wms, "B-2").status_code == 201
    assert lost.count == 1
    assert wms.created_count() == 2


def test_the_recorder_keeps_every_exchange_redacted(wms) -> None:
    recorder = HttpRecorder()
    with open_test_channel(DECLARATION, wms.channel_settings(), recorder=recorder) as context:
        create_order(context, wms, "C-1")
        context.http.get(
            f"{wms.url}/orders",
            params={"reference": "C-1", "api_key": API_KEY},
            headers={"X-Key": API_KEY},
        )

    assert [str(e).split(" ")[0] for e in recorder] == ["POST", "GET"]
    assert recorder.count("POST", path_contains="/orders") == 1
    exchange = recorder.exchanges[1]
    assert exchange.status == 200 and exchange.path == "/orders"
    assert API_KEY not in exchange.url and "api_key=********" in exchange.url
    assert '"reference": "C-1"' in exchange.response_body


def test_the_log_capture_sees_debug_lines_and_restores_the_level() -> None:
    root = logging.getLogger()
    before = root.level
    with LogCapture.capturing() as capture:
        logging.getLogger("some.plugin.client").debug("page %d read", 3)
        try:
            raise ValueError("boom")
        except ValueError:
            logging.getLogger("some.plugin").exception("failed")

    assert capture.texts()[0] == "DEBUG some.plugin.client: page 3 read"
    assert "ValueError: boom" in capture.texts()[1]
    assert root.level == before


def test_a_secret_is_found_in_any_spelling_and_never_repeated() -> None:
    secret = "s3cr3t/with+signs&more"
    texts = {
        "plain": f"key={secret}",
        "url": "token=s3cr3t%2Fwith%2Bsigns%26more",
        "form": "token=s3cr3t%2Fwith%2Bsigns%26more".replace("%20", "+"),
        "base64": "Basic czNjcjN0L3dpdGgrc2lnbnMmbW9yZQ",
        "clean": "nothing here",
    }

    leaks = find_secrets(texts.items(), [secret])

    assert [leak.where for leak in leaks] == ["plain", "url", "form", "base64"]
    assert {leak.spelling for leak in leaks} == {"as typed", "URL-encoded", "base64"}
    assert all(secret not in str(leak) for leak in leaks)


def test_secrets_are_found_in_files_by_line(tmp_path: Path) -> None:
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "cassette.yaml").write_text("a: 1\nheader: conformance-key-1\n")

    (leak,) = find_secrets_in_files([tmp_path], ["conformance-key-1"])

    assert leak.where.endswith("cassette.yaml:2")
    assert too_short(["short", "long-enough-1"]) == [0]


def test_sample_records_are_valid_distinct_and_refusable() -> None:
    products = sample_products(3)
    shipments = sample_shipments(2, skus=[p.sku for p in products])
    receipts = sample_receipts(2, skus=["X-1"])

    assert len({p.sku for p in products}) == 3
    assert sample_products(1)[0].sku != products[0].sku
    assert [line.sku for line in shipments[0].lines] == [p.sku for p in products]
    bad_shipment, bad_receipt = refused_variant(shipments[0]), refused_variant(receipts[0])
    assert isinstance(bad_shipment, Shipment) and isinstance(bad_receipt, Receipt)
    assert bad_shipment.key == shipments[0].key + "-BAD"
    assert {line.sku for line in bad_receipt.lines} == {UNKNOWN_SKU}
    with pytest.raises(TypeError, match="no generic refused version of a Product"):
        refused_variant(products[0])
