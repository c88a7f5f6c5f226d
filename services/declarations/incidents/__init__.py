"""Incidents that declarations name."""
