"""Short pages on a phone (issue #30): at 375 px the radios of the public forms keep their
size beside long labels (they shrank to 13 px), and every control a person taps on them
is at least 44 px high (a radio's or a box's target is its label)."""

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 667}
FORMS = ("/legal-aid/apply", "/mediation/apply")
#: What a person taps on a form, with the box that is its target.
MEASURE = """(form) => {
  const shown = (el) => el.getClientRects().length > 0 && getComputedStyle(el).visibility !== "hidden";
  const root = parseFloat(getComputedStyle(document.documentElement).fontSize);
  const radios = [], small = [];
  for (const input of form.querySelectorAll(".choice-list input")) {
    if (!shown(input)) continue;
    const box = input.getBoundingClientRect();
    if (Math.abs(box.width - 1.3 * root) > 1 || Math.abs(box.height - 1.3 * root) > 1) {
      radios.push(`${input.id}: ${box.width.toFixed(1)}x${box.height.toFixed(1)}`);
    }
  }
  const controls = form.querySelectorAll(
    "input:not([type=hidden]):not([type=radio]):not([type=checkbox]), select, textarea, button, .choice-list label, .checkbox label");
  for (const control of controls) {
    if (!shown(control)) continue;
    const box = control.getBoundingClientRect();
    if (box.height < 44 || box.width < 44) {
      small.push(`${control.tagName.toLowerCase()}#${control.id || control.htmlFor || control.name}: ${box.width.toFixed(0)}x${box.height.toFixed(0)}`);
    }
  }
  return {radios, small, count: controls.length};
}"""


@pytest.mark.parametrize("path", FORMS)
def test_radios_keep_their_size_and_every_tap_target_is_44_px_at_375(path, new_context):
    """Seen red on the style sheet before this change: radios 13 px wide beside long labels,
    radio labels and text boxes under 44 px."""
    page = new_context(viewport=PHONE).new_page()
    page.goto(path)
    found = page.locator("#intake-form").evaluate(MEASURE)
    assert found["count"] > 10
    assert found["radios"] == [], f"radios squeezed at 375 px: {found['radios']}"
    assert found["small"] == [], f"tap targets under 44 px at 375 px: {found['small']}"
