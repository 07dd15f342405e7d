// Quick exit (SPEC §13): the button, or Shift pressed three times within two seconds,
// leaves at once and replaces this page in the history.
//
// Never Esc: people press it to close a date picker or an autocomplete list, and a form
// was lost that way. Shift presses are not counted while the focus is in a field where
// people type (Chinese input methods switch between 中 and 英 with Shift, and capitals need
// it), nor when Shift is held or combined with another key: only three deliberate taps count.
(function () {
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  var hint = document.getElementById("quick-exit-hint");
  if (hint) { hint.hidden = false; }  // without this script there is no shortcut to announce
  var presses = [];
  var WINDOW_MS = 2000;

  var form = document.getElementById("quick-exit-form");

  function leave(event) {
    if (event) { event.preventDefault(); }
    if (form && navigator.sendBeacon) {  // what was typed opens again only with a code or PIN
      var data = new FormData();
      data.append("csrf_token", form.elements.csrf_token.value);
      data.append("beacon", "1");  // answered with 204: a redirect would take the beacon off-site
      navigator.sendBeacon(form.action, data);
    }
    document.body.hidden = true;  // nothing stays on screen while the next page loads
    window.location.replace(link.href);
  }

  function typingIn(element) {
    if (!element) { return false; }
    if (element.isContentEditable) { return true; }
    var tag = element.tagName;
    if (tag === "TEXTAREA" || tag === "SELECT") { return true; }
    if (tag !== "INPUT") { return false; }
    var type = (element.getAttribute("type") || "text").toLowerCase();
    return ["checkbox", "radio", "button", "submit", "reset", "file", "image", "range", "color"].indexOf(type) === -1;
  }

  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Shift") { presses = []; return; }  // Shift+letter is typing, not a tap
    if (event.repeat || event.isComposing || typingIn(document.activeElement)) { return; }
    var now = Date.now();
    presses = presses.filter(function (t) { return now - t < WINDOW_MS; });
    presses.push(now);
    if (presses.length >= 3) { leave(event); }
  });
}());
