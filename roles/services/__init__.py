"""Every write to roles goes through a function in this package: one path for validation,
permissions and the audit trail, called by views, the API, importers and tasks alike."""
