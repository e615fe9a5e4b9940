"""AWS Lambda entry point: the Flask app behind a Function URL (apig-wsgi), the table's DynamoDB
stream (notifications) and the schedule's jobs (reminders). One function and one handler serve
them all, so they share one environment and one release; `handler` tells the kinds of event
apart (scc.notify.stream)."""

from apig_wsgi import make_lambda_handler

from scc import create_app
from scc.notify import jobs, stream

app = create_app()
handler = stream.dispatch(
    make_lambda_handler(app), stream.make_stream_handler(app), jobs.make_job_handler(app)
)
