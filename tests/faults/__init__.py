"""Helpers for the fault catalogue, the source fuzzing and the update crash test."""
