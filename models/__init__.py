"""SQLModel tables, one module per aggregate; importing this package registers them all."""

from models.admin_user import AdminUser
from models.api_token import ApiToken
from models.cadre import CadreAssignment, CadreInvite
from models.conversation import ConversationState
from models.declaration import Classification, Declaration
from models.delivery import ApiPause, CallTask, ChannelBlock, DeliveryAttempt
from models.inbound import InboundMessage
from models.outbox import OutboxMessage
from models.person import Person
from models.riskarea import RiskArea, RiskList
from models.town import Village, WorkArea

__all__ = [
    "AdminUser",
    "ApiPause",
    "ApiToken",
    "CadreAssignment",
    "CadreInvite",
    "CallTask",
    "ChannelBlock",
    "Classification",
    "ConversationState",
    "Declaration",
    "DeliveryAttempt",
    "InboundMessage",
    "OutboxMessage",
    "Person",
    "RiskArea",
    "RiskList",
    "Village",
    "WorkArea",
]
