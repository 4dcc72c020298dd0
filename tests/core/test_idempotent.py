"""The framework's look-before-create sender, against a WMS on loopback."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence

import pytest

from techoms_core.context import ChannelConfig, open_context
from techoms_core.http.conventions import WireConventions, error_body_reader
from techoms_core.http.exceptions import Unreachable
from techoms_core.idempotent import Draft, IdempotentSender
from techoms_core.lookups import find_in_batches
from techoms_core.models.results import Status
from techoms_core.settings import FieldType, SettingsField, SettingsSchema
from techoms_core.testing.contexts import fast_retry_options
from tests.core.channel_plugins import declaration
from tests.core.http_server import Answer, ReceivedRequest

pytest_plugins = ("tests.core.fixtures_http",)

KEY = "idempotent-test-key-77"
WIRED = declaration(
    "orders",
    settings=SettingsSchema(
        (
            SettingsField(key="api_url", label="Api Url", type=FieldType.URL, required=True),
            SettingsField(key="api_key", label="Api Key", type=FieldType.SECRET, required=True),
        )
    ),
    wire=WireConventions(
        base_url_setting="api_url",
        auth_headers={"X-Key": "api_key"},
        error_parser=error_body_reader(envelope="error", message="message", field="field"),
    ),
)


class Orders:
    """The WMS's orders: GET /orders?ref=..&ref=.. lists, POST /orders creates."""

    def __init__(self) -> None:
        self.orders: dict[str, str] = {}  # reference -> id

    def answer(self, request: ReceivedRequest) -> bytes:
        if request.method == "POST":
            reference = json.loads(request.body)["ref"]
            self.orders[reference] = f"o-{len(self.orders) + 1}"
            return json.dumps({"id": self.orders[reference]}).encode()
        wanted = request.query.get("ref", [])
        found = [{"ref": r, "id": i} for r, i in self.orders.items() if r in wanted]
        return json.dumps({"orders": found}).encode()


class OrderSender(IdempotentSender):
    noun = "order"

    def lookup(self, identities: Sequence[str]) -> Mapping[str, str]:
        found = find_in_batches(self.context, identities, 2, self._orders)
        return {order["ref"]: order["id"] for order in found}

    def _orders(self, references):
        return self.http.get("orders", params={"ref": list(references)}).json()["orders"]

    def create(self, draft: Draft) -> str | None:
        return self.http.post("orders", json=draft.body).json().get("id")


def drafts(*references: str) -> list[Draft]:
    return [Draft(r, r, {"ref": r}) for r in references]


def send(url: str, batch: list[Draft]) -> list:
    config = ChannelConfig(name="east", plugin="orders", settings={"api_url": url, "api_key": KEY})
    with open_context(WIRED, config, session_options=fast_retry_options()) as context:
        return sorted(OrderSender(context).send(batch), key=lambda result: result.key)


@pytest.fixture
def orders(wms) -> Orders:
    held = Orders()
    wms.default = Answer(body=held.answer)
    return held


def test_what_exists_is_skipped_and_the_rest_created_once_with_batched_lookups(wms, orders):
    orders.orders["A"] = "o-old"

    results = send(wms.url(), drafts("A", "B", "C", "D", "E"))

    assert [(r.key, r.status, r.remote_id) for r in results] == [
        ("A", Status.SKIPPED, "o-old"),
        ("B", Status.OK, orders.orders["B"]),
        ("C", Status.OK, orders.orders["C"]),
        ("D", Status.OK, orders.orders["D"]),
        ("E", Status.OK, orders.orders["E"]),
    ]
    assert len(wms.received("GET")) == 3  # five references, two per request
    assert len(wms.received("POST")) == 4
    assert {r.headers["X-Key"] for r in wms.received()} == {KEY}


def test_a_create_stored_before_its_answer_was_lost_is_found_not_repeated(wms, orders):
    wms.script(Answer(body=orders.answer), Answer(status=503, body=orders.answer))

    (result,) = send(wms.url(), drafts("A"))

    assert (result.status, result.remote_id) == (Status.OK, orders.orders["A"])
    assert "confirmed by a lookup" in result.message
    assert len(wms.received("POST")) == 1 and list(orders.orders) == ["A"]


def test_an_outcome_never_known_fails_fatal_and_every_retry_looked_first(wms, orders):
    lost = Answer(status=503, body=b"{}")
    wms.script(Answer(body=orders.answer), lost, Answer(body=orders.answer), lost)
    wms.script(Answer(body=orders.answer), lost, Answer(body=orders.answer))

    (result,) = send(wms.url(), drafts("A"))

    assert result.status is Status.FAILED and result.fatal
    assert "the next run looks again" in result.message
    methods = [r.method for r in wms.received()]
    assert methods == ["GET", "POST", "GET", "POST", "GET", "POST", "GET"]


def test_a_refused_record_fails_alone_naming_the_field(wms, orders):
    refusal = {"error": {"message": "unknown sku", "field": "lines[0].sku"}}
    wms.script(Answer(body=orders.answer), Answer(status=422, body=refusal))

    results = send(wms.url(), drafts("A", "B"))

    statuses = {r.key: (r.status, r.field) for r in results}
    assert sorted(statuses.values()) == [(Status.FAILED, "lines[0].sku"), (Status.OK, None)]


def test_an_unreachable_wms_stops_the_run(refused_url):
    with pytest.raises(Unreachable):
        send(refused_url, drafts("A", "B"))
