"""The SQLAlchemy models, one module per aggregate, re-exported here."""

from helpdesk.models.api import API_SCOPES, WEBHOOK_EVENTS, ApiToken, Webhook
from helpdesk.models.audit import AuditEvent
from helpdesk.models.automation import AutomationRule, AutomationRun
from helpdesk.models.base import Base
from helpdesk.models.blocked_sender import BlockedSender
from helpdesk.models.counter import Counter
from helpdesk.models.customer import Customer, CustomerAlias, CustomerNote
from helpdesk.models.detector import ComplaintLabel, DetectorAdaptation
from helpdesk.models.digest import Digest
from helpdesk.models.escalation import Escalation
from helpdesk.models.feedback import RATING_SCORES, Rating
from helpdesk.models.kb import Article
from helpdesk.models.mail import Attachment, EmailBounce, Outbox
from helpdesk.models.notification import Notification, NotificationPreference
from helpdesk.models.nps import NpsResponse, NpsRound, NpsSurvey, SurveyOptOut
from helpdesk.models.outreach import FeatureRequest, FeatureRequestTicket, Outreach
from helpdesk.models.promise import Promise
from helpdesk.models.recovery import Recovery, RecoveryStep, RootCause
from helpdesk.models.saved_reply import SavedReply
from helpdesk.models.scheduler import SchedulerRun
from helpdesk.models.setting import Setting
from helpdesk.models.shared_result import SharedResult
from helpdesk.models.sla import SLA_KINDS, SlaPolicy, SlaTarget
from helpdesk.models.ticket import (
    Message,
    Tag,
    Ticket,
    TicketAccessToken,
    TicketPresence,
    ticket_tags,
)
from helpdesk.models.usage import CustomerUsage, UsageDaily, UsageEventId
from helpdesk.models.user import ROLES, PasswordReset, RecoveryCode, User
from helpdesk.models.widget import IdempotencyRecord

__all__ = [
    "API_SCOPES",
    "WEBHOOK_EVENTS",
    "ApiToken",
    "Webhook",
    "RATING_SCORES",
    "ROLES",
    "Article",
    "Attachment",
    "AuditEvent",
    "AutomationRule",
    "AutomationRun",
    "Base",
    "BlockedSender",
    "ComplaintLabel",
    "Counter",
    "Customer",
    "CustomerAlias",
    "CustomerNote",
    "CustomerUsage",
    "DetectorAdaptation",
    "Digest",
    "EmailBounce",
    "Escalation",
    "IdempotencyRecord",
    "Message",
    "Notification",
    "NotificationPreference",
    "NpsResponse",
    "NpsRound",
    "NpsSurvey",
    "Outbox",
    "Outreach",
    "FeatureRequest",
    "FeatureRequestTicket",
    "PasswordReset",
    "SavedReply",
    "Promise",
    "Rating",
    "Recovery",
    "RecoveryCode",
    "RecoveryStep",
    "RootCause",
    "SchedulerRun",
    "SLA_KINDS",
    "SlaPolicy",
    "SlaTarget",
    "Setting",
    "SharedResult",
    "SurveyOptOut",
    "Tag",
    "Ticket",
    "TicketAccessToken",
    "TicketPresence",
    "UsageDaily",
    "UsageEventId",
    "User",
    "ticket_tags",
]
