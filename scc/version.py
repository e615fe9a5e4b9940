"""The release SCC reports (GET /api/health) and packages as."""

VERSION = "0.1.0"
