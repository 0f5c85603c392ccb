"""Slash commands: parsed and validated, turned into decisions."""
