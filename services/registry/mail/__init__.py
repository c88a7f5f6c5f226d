"""Email for people: the outbox's events told to the people who may read them.

The mail worker (``worker``) reads who to tell from auth's people directory
(``directory``, over HTTP), writes one notice per person and event (``audience`` rules,
the person's role and preferences, ``service``), renders messages in the person's
language (``render``, ``catalogue``, ``templates/``) and sends them through SMTP
(``smtp``) or keeps them in the mail outbox. Never on a request's path.
"""
