"""The widget page warns the admin, beside the colour field and again on save, when the
launcher's text cannot reach 4.5:1 on their colour; the save still goes through. The loader
and the panel get the text colour that contrasts best."""

from __future__ import annotations

import re

from helpdesk.widget.settings import widget_settings
from tests.conftest import csrf_token

PAGE = "/settings/widget"
WARNING = re.compile(r'<p class="field-warning" id="colour-contrast"[^>]*>([^<]*)</p>')


def save(client, colour: str):  # type: ignore[no-untyped-def]
    return client.post(
        PAGE,
        data={
            "colour": colour,
            "position": "bottom-right",
            "label": "",
            "greeting": "",
            "allowed_origins": "",
            "csrf_token": csrf_token(client, PAGE),
        },
    )


def warning_beside_field(html: str) -> str:
    match = WARNING.search(html)
    assert match, "no contrast warning element beside the colour field"
    return match.group(1).strip()


def test_a_low_contrast_colour_is_saved_with_a_warning(app, login_as):
    admin = login_as("admin")
    response = save(admin, "#7a7a7a")
    assert response.status_code == 302  # not blocked
    with app.app_context():
        assert widget_settings().colour == "#7a7a7a"
    html = admin.get(PAGE).get_data(as_text=True)
    assert 'class="flash flash-warning"' in html
    assert "Low contrast: the launcher&#39;s text reaches only 4.39:1" in html
    assert warning_beside_field(html).startswith("Low contrast")
    assert re.search(r'id="colour"[^>]*aria-describedby="[^"]*colour-contrast', html) or re.search(
        r'aria-describedby="[^"]*colour-contrast[^"]*"[^>]*id="colour"', html
    )


def test_a_readable_colour_gets_no_warning(app, login_as):
    admin = login_as("admin")
    assert save(admin, "#0a7d55").status_code == 302
    html = admin.get(PAGE).get_data(as_text=True)
    assert "flash-warning" not in html
    assert warning_beside_field(html) == ""
    # The template for the live check is there, with its placeholder.
    assert 'data-message="Low contrast: the launcher&#39;s text reaches only {ratio}:1' in html


def test_an_invalid_colour_is_refused_without_a_contrast_warning(login_as):
    admin = login_as("admin")
    response = save(admin, "#12345g")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "Use a colour like #1f6feb." in html
    assert warning_beside_field(html) == ""


def test_loader_and_panel_get_the_better_text_colour(app, login_as, client):
    admin = login_as("admin")
    assert save(admin, "#f08000").status_code == 302
    loader = client.get("/widget.js").get_data(as_text=True)
    assert '"ink": "#111111"' in loader or '"ink":"#111111"' in loader
    frame = client.get("/widget/frame").get_data(as_text=True)
    assert "#111111" in frame
