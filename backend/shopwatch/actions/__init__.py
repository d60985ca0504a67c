"""User actions that span domains, one function each: the transaction, the domain services, the alert
rules, the audit entry and the outbox rows together, so no caller (the API, the command line, a
script) can leave one out. Plain results and domain errors; nothing of GraphQL."""
