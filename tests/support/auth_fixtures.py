"""Shared fixtures giving tests real credentials and tokens from the auth service.

Filled by the auth service work (issue 3); registered in tests/conftest.py.
"""
