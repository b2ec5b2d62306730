from roles.models import AuditEvent, BlueprintVersion, Role


def record(*, action: str, by=None, role: Role | None = None, version: BlueprintVersion | None = None,
           note: str = "") -> AuditEvent:
    """Append one row to the audit trail (who, when, what, the note)."""
    if role is None and version is not None:
        role = version.role
    actor = by if getattr(by, "is_authenticated", False) else None
    return AuditEvent.objects.create(actor=actor, action=action, role=role, version=version, note=note,
                                     version_number=version.number if version is not None else None)
