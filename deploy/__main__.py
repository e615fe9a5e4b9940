"""`python -m deploy`: see deploy/cli.py and docs/DEPLOY.md."""

from deploy.cli import main

raise SystemExit(main())
