"""Email from the table's DynamoDB stream: notices for the admin and the signer, and the mail
backends (Gmail API, SES, the log)."""
