"""Webhook endpoints of organisations: register, list, disable, the delivery log."""
