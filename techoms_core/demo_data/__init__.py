"""Sample data of ``techoms demo``: load files in the format of spec §9.

``products.json`` (one product lacks the Description Leanafy requires, one
already exists in the demo's Leanafy sandbox), ``shipments.json`` and
``receipts.json``. Try them yourself: ``techoms load shipments FILE``.
"""
