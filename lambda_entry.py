"""AWS Lambda entry point: the Flask app behind a Function URL (apig-wsgi), and the table's
DynamoDB stream (notifications). One function and one handler serve both, so they share one
environment and one release; `handler` tells the two kinds of event apart (scc.notify.stream)."""

from apig_wsgi import make_lambda_handler

from scc import create_app
from scc.notify import stream

app = create_app()
handler = stream.dispatch(make_lambda_handler(app), stream.make_stream_handler(app))
