"""Renderers of a run result; each returns the whole report as text."""
