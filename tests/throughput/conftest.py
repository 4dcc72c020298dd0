"""The Leanafy sandbox, in the test process so that a test can log when each
request reached it (``bench.shared_cap.ArrivalLog``)."""

from plugins.leanafy.sandbox.testing import sandbox, sandbox_server  # noqa: F401
