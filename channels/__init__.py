"""Platform adapters: updates in as core Messages, Actions out as platform calls."""
