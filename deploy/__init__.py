"""Deploy SCC: build the Lambda zip, plan, stage, smoke-test, promote, roll back, check routes.

Chalice's shape: build (no AWS calls) → plan (describe calls only) → apply, one code path for the
dry run and the real one. Run `python -m deploy --help`; docs/DEPLOY.md is the operator's guide.
"""
