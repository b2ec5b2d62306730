from .choices import BlindMode, CandidateStage, Decision, OpeningStatus, Rating, Recommendation, ScorecardStatus
from .opening import Candidate, HiringDecision, HiringEvent, Interview, Opening
from .scorecard import DimensionRating, Scorecard, ScorecardAmendment

__all__ = [
    "BlindMode", "Candidate", "CandidateStage", "Decision", "DimensionRating", "HiringDecision", "HiringEvent",
    "Interview", "Opening", "OpeningStatus", "Rating", "Recommendation", "Scorecard", "ScorecardAmendment",
    "ScorecardStatus",
]
