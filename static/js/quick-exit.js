// Quick exit (SPEC §3): Esc leaves the page at once and replaces it in the history.
(function () {
  var link = document.getElementById("quick-exit");
  if (!link) { return; }
  function leave(event) {
    if (event) { event.preventDefault(); }
    window.location.replace(link.href);
  }
  link.addEventListener("click", leave);
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape") { leave(event); }
  });
}());
