"""Armed groups and headstamp codes: reference data that resolves field records."""
