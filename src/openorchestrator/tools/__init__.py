"""Tools a bot's model may call: web search, web pages, the bot's own files. See `base.py` for the contract."""
