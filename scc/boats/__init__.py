"""The fleet: boats and how many passengers each may carry (docs/API.md, the boats routes)."""
