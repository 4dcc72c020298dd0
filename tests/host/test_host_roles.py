"""The host interface is eight roles; ``Host`` is exactly their union."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

from techoms_core import host as interface
from techoms_core.host import Host

ROLES = [
    interface.ChannelsRole,
    interface.SendsRole,
    interface.ReceivesRole,
    interface.SnapshotsRole,
    interface.ReviewsRole,
    interface.RunLogRole,
    interface.LocksRole,
    interface.JobsRole,
]
DOCS = Path(__file__).resolve().parents[2] / "docs" / "host.md"


def methods(protocol: type) -> set[str]:
    return {
        name
        for name, value in vars(protocol).items()
        if inspect.isfunction(value) and not name.startswith("_")
    }


def test_every_method_of_the_host_is_in_exactly_one_role() -> None:
    listed = [name for role in ROLES for name in methods(role)]
    assert len(listed) == len(set(listed))
    assert methods(Host) == set()  # the union declares nothing of its own
    assert set(listed) == {name for name in dir(Host) if not name.startswith("_")}


@pytest.mark.parametrize("role", [*ROLES, Host], ids=lambda role: role.__name__)
def test_the_reference_host_plays_every_role(host, role) -> None:
    assert isinstance(host, role)


def test_a_host_of_one_role_is_not_taken_for_the_whole() -> None:
    class LocksOnly:
        def acquire_lock(self, name, holder, ttl): ...
        def refresh_lock(self, name, holder, ttl): ...
        def release_lock(self, name, holder): ...

    assert isinstance(LocksOnly(), interface.LocksRole)
    assert not isinstance(LocksOnly(), Host)


def test_docs_name_every_role_and_which_flow_needs_it() -> None:
    text = DOCS.read_text()
    assert "### Which flow needs which role" in text
    for role in ROLES:
        assert f"`{role.__name__}`" in text
