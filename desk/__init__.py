"""The rules of the support desk: plain Python, no Telegram, no SQL."""
