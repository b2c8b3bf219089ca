"""The team server: sync with a feed server through the Google Reader API (FreshRSS).

client.py talks to the server (a core/net Session; every answer checked), items.py reads what it sends,
engine.py runs one sync over the store (its SQL in core/store/sync.py; the outbox is written by
core/store/state.py with each change). The front ends reach it through `Library.sync()`.
"""
