"""The moderators' web console: the ticket inbox, FAQ gaps, the bot's decisions and numbers.
It acts through the same core commands a moderator types in chat, so a web reply or undo has
exactly a chat command's effects."""
