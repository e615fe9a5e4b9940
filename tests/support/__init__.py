"""What the tests share, one module per kind; the fixtures that use them are in tests/conftest.py.

- harness: requests through lambda_entry.handler as a Lambda Function URL delivers them: Http
  (no cookies), Session (a browser's cookie session, CSRF on writes), Api (a bearer token), and
  `pay`, the one way a test logs a payment.
- builders: test data (constants, keyword-only builders, Function URL events).
- apps: the settings the tests give lambda_entry's app, and `make_app` for an app of its own.
- domain: writes and reads through the domain, without HTTP (a member, a signed waiver).
- notify: the table's stream as Lambda delivers it, and a mailer that records.
- dynamodb: what DynamoDB does and moto does not (unused expression names refused, numbers
  trimmed), and the log of the app's DynamoDB calls.
- browser, servers, fake_google, authenticator: Chromium through Playwright, WSGI apps on
  loopback, a fake Google (OAuth and Gmail), a software passkey authenticator."""
