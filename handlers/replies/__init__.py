"""Every sentence the bot says, per language."""
