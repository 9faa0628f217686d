"""The bottom layer: the SQLModel tables and every SQL statement, one module per table or aggregate.

Each module keeps its table's statements as keyword-only functions beside it; no other layer builds or runs SQL
(tests/test_layers.py). It imports nothing above it. Importing this package registers every table.
"""

from models.admin_session import AdminSession, AdminToken, LoginAttempt
from models.admin_user import AdminUser
from models.announcement import Announcement, AnnouncementRun
from models.api_token import ApiToken
from models.audit import AuditLog
from models.brief import Brief
from models.cadre import CadreAssignment, CadreInvite
from models.care import CareAssignment, CheckIn, SamplingRound
from models.checkpoint import CheckpointReport
from models.conversation import ConversationState
from models.declaration import Classification, Declaration, HouseholdMember
from models.delivery import ApiPause, CallTask, ChannelBlock, DeliveryAttempt
from models.event import EventReport
from models.fever import FeverReport
from models.inbound import InboundMessage
from models.limits import InviteAttempt, LimitNotice
from models.outbox import OutboxMessage
from models.outbox_body import OutboxBody
from models.person import Person
from models.quarantine import Quarantine
from models.question import PolicyQuestion
from models.reclassify import ReclassifyRun
from models.riskarea import RiskArea, RiskList, RiskListSource
from models.scheduler import SchedulerLease
from models.supplies import SupplyRequest
from models.town import Village, WorkArea
from models.vaccination import Vaccination
from models.webhook_request import WebhookRequest

__all__ = [
    "Announcement",
    "AnnouncementRun",
    "Brief",
    "SchedulerLease",
    "SupplyRequest",
    "Vaccination",
    "PolicyQuestion",
    "ReclassifyRun",
    "FeverReport",
    "EventReport",
    "SamplingRound",
    "CheckIn",
    "CareAssignment",
    "AdminSession",
    "AdminToken",
    "AdminUser",
    "AuditLog",
    "LoginAttempt",
    "ApiPause",
    "ApiToken",
    "CadreAssignment",
    "CadreInvite",
    "CallTask",
    "CheckpointReport",
    "ChannelBlock",
    "Classification",
    "ConversationState",
    "Declaration",
    "DeliveryAttempt",
    "HouseholdMember",
    "InboundMessage",
    "InviteAttempt",
    "LimitNotice",
    "OutboxBody",
    "OutboxMessage",
    "Person",
    "Quarantine",
    "RiskArea",
    "RiskList",
    "RiskListSource",
    "Village",
    "WebhookRequest",
    "WorkArea",
]
