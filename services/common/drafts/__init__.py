"""Drafts and their approval, kept by the service that owns the record.

``tables`` builds a service's two tables (drafts, history), ``repository`` queries
them, ``workflow`` holds the rules (who may do what, in which status), ``schemas``
the requests and answers. Each service's drafts folder adds what is its own: the
problems a body has now and how an approved draft becomes a record.
"""
