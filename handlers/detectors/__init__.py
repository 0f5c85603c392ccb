"""Safety detectors: secrets, personal data, scams, impersonators, urgency, own cases."""
