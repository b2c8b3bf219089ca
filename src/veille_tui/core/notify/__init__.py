"""Notifications: the new matches of each fetch (watch, asset, KEV) summed up in one message per
`[[notify]]` target, kept in the database until the target took it, sent through apprise.

config (the [[notify]] tables), secret (a target's URL from the config, a file or a command),
message (one message, its text cleaned), outbox (queue, flush, test), send (apprise: the one
exception to "HTTP only in core/net": it speaks each service's protocol itself)."""
