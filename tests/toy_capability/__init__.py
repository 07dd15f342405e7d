"""A request kind that exists only in the tests: what a new capability declares, and nothing
more. It shows that the shared tests cover a new kind without an edit
(tests/test_status_machines.py). Its model has no table of its own (single-table
inheritance on `service_request`), so nothing of it is in the shipped migrations.
"""
