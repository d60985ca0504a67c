"""One function per user action that spans domains: each opens its transaction, calls the domain
services and writes its audit entry, so no caller can skip a step."""
