"""Telegram handlers: parse the update, call the desk, render the answer."""
