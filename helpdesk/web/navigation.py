"""The header navigation: one declarative list; each item names the role it needs.

A feature adds its entry here when it lands; `nav_for(user)` shows a user only what their
role may open.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext

from helpdesk.models import User


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString
    role: str


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("tickets.inbox", lazy_gettext("Inbox"), "agent"),
    NavItem("customers.directory", lazy_gettext("Customers"), "agent"),
    NavItem("kb.articles", lazy_gettext("Knowledge base"), "agent"),
    NavItem("founders.queue", lazy_gettext("Review queue"), "founder"),
    NavItem("trends.trends_page", lazy_gettext("Trends"), "founder"),
    NavItem("team_report.team_page", lazy_gettext("Team report"), "founder"),
    NavItem("digests.digest_list", lazy_gettext("Digests"), "founder"),
    NavItem("nps_admin.rounds_page", lazy_gettext("Surveys"), "founder"),
    NavItem("root_causes.causes_page", lazy_gettext("Root causes"), "founder"),
    NavItem("settings.team", lazy_gettext("Team"), "admin"),
    NavItem("hours.hours_page", lazy_gettext("Business hours"), "admin"),
    NavItem("sla.policies_page", lazy_gettext("Service levels"), "admin"),
    NavItem("formats.formats_page", lazy_gettext("Formats"), "admin"),
    NavItem("automations.rule_list", lazy_gettext("Automations"), "admin"),
    NavItem("phrases.library_page", lazy_gettext("Phrases"), "admin"),
    NavItem("saved_replies.reply_list", lazy_gettext("Saved replies"), "agent"),
    NavItem("widget_settings.settings_page", lazy_gettext("Widget"), "admin"),
    NavItem("mail_viewer.outbox_list", lazy_gettext("Email"), "admin"),
    NavItem("blocked_senders.blocked_list", lazy_gettext("Blocked senders"), "admin"),
    NavItem("webhooks.webhook_list", lazy_gettext("Webhooks"), "admin"),
    NavItem("audit_log.audit_page_view", lazy_gettext("Audit log"), "admin"),
    NavItem("api_tokens.index", lazy_gettext("API tokens"), "agent"),
)


def nav_for(user: User) -> list[NavItem]:
    return [item for item in NAVIGATION if user.can(item.role)]
