from .assignment import FamilyAssignment
from .audit import AuditEvent
from .catalog import BlueprintVersion, Role, Skill, Tool
from .choices import (
    Commonality,
    Importance,
    Level,
    MilestoneHorizon,
    ResponsibilityCategory,
    Section,
    SkillTier,
    VersionStatus,
    Weight,
)
from .content import (
    KPI,
    BlueprintItem,
    Milestone,
    Responsibility,
    ScorecardDimension,
    SoftSkill,
    TechnicalSkill,
    ToolUsage,
)

__all__ = [
    "AuditEvent", "FamilyAssignment", "BlueprintItem", "BlueprintVersion", "Commonality", "Importance", "KPI", "Level",
    "Milestone", "MilestoneHorizon", "Responsibility", "ResponsibilityCategory", "Role",
    "ScorecardDimension", "Section", "Skill", "SkillTier", "SoftSkill", "TechnicalSkill", "Tool",
    "ToolUsage", "VersionStatus", "Weight",
]
