"""AWS Lambda entry point: the Flask app behind a Function URL, through apig-wsgi."""

from apig_wsgi import make_lambda_handler

from scc import create_app

app = create_app()
handler = make_lambda_handler(app)
