"""The header navigation: one declarative list; each item names the role it needs and,
unless it belongs on the bar itself, the menu it sits in.

A feature adds its entry here when it lands; `nav_for(user)` shows a user only what their
role may open: the bar's own links, then one menu per group ("Founders", "Settings"). A
group the user can open only one page of is shown as that page's link (an agent's one
setting, "API tokens", needs no menu).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import LazyString, lazy_gettext

from helpdesk.models import User

# The menus, in the order they follow the bar's links.
GROUPS: dict[str, LazyString] = {
    "founders": lazy_gettext("Founders"),
    "settings": lazy_gettext("Settings"),
}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: LazyString
    role: str
    group: str | None = None  # a key of GROUPS; None: on the bar itself


@dataclass(frozen=True)
class NavGroup:
    label: LazyString
    items: tuple[NavItem, ...]

    def holds(self, endpoint: str | None) -> bool:
        return any(item.endpoint == endpoint for item in self.items)


NAVIGATION: tuple[NavItem, ...] = (
    NavItem("tickets.inbox", lazy_gettext("Inbox"), "agent"),
    NavItem("customers.directory", lazy_gettext("Customers"), "agent"),
    NavItem("kb.articles", lazy_gettext("Knowledge base"), "agent"),
    NavItem("saved_replies.reply_list", lazy_gettext("Saved replies"), "agent"),
    NavItem("founders.queue", lazy_gettext("Review queue"), "founder", "founders"),
    NavItem("trends.trends_page", lazy_gettext("Trends"), "founder", "founders"),
    NavItem("team_report.team_page", lazy_gettext("Team report"), "founder", "founders"),
    NavItem("digests.digest_list", lazy_gettext("Digests"), "founder", "founders"),
    NavItem("nps_admin.rounds_page", lazy_gettext("Surveys"), "founder", "founders"),
    NavItem("root_causes.causes_page", lazy_gettext("Root causes"), "founder", "founders"),
    NavItem("usage.at_risk", lazy_gettext("At risk"), "founder", "founders"),
    NavItem("outreach.queue", lazy_gettext("Outreach"), "founder", "founders"),
    NavItem(
        "outreach_results.results_page", lazy_gettext("Outreach results"), "founder", "founders"
    ),
    NavItem("settings.team", lazy_gettext("Team"), "admin", "settings"),
    NavItem("hours.hours_page", lazy_gettext("Business hours"), "admin", "settings"),
    NavItem("sla.policies_page", lazy_gettext("Service levels"), "admin", "settings"),
    NavItem("formats.formats_page", lazy_gettext("Formats"), "admin", "settings"),
    NavItem("automations.rule_list", lazy_gettext("Automations"), "admin", "settings"),
    NavItem(
        "outreach_settings.settings_page", lazy_gettext("Outreach playbooks"), "admin", "settings"
    ),
    NavItem("phrases.library_page", lazy_gettext("Phrases"), "admin", "settings"),
    NavItem("widget_settings.settings_page", lazy_gettext("Widget"), "admin", "settings"),
    NavItem("mail_viewer.outbox_list", lazy_gettext("Email"), "admin", "settings"),
    NavItem("blocked_senders.blocked_list", lazy_gettext("Blocked senders"), "admin", "settings"),
    NavItem("webhooks.webhook_list", lazy_gettext("Webhooks"), "admin", "settings"),
    NavItem("usage_settings.settings_page", lazy_gettext("Product usage"), "admin", "settings"),
    NavItem("audit_log.audit_page_view", lazy_gettext("Audit log"), "admin", "settings"),
    NavItem("api_tokens.index", lazy_gettext("API tokens"), "agent", "settings"),
)


def nav_for(user: User) -> list[NavItem | NavGroup]:
    """The bar's links `user` may open, then a menu for each group with two or more."""
    grouped: dict[str, list[NavItem]] = {key: [] for key in GROUPS}
    entries: list[NavItem | NavGroup] = []
    for item in NAVIGATION:
        if not user.can(item.role):
            continue
        if item.group is None:
            entries.append(item)
        else:
            grouped[item.group].append(item)
    for key, items in grouped.items():
        if len(items) == 1:
            entries.append(items[0])
        elif items:
            entries.append(NavGroup(GROUPS[key], tuple(items)))
    return entries
