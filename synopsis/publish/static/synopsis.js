// Synopsis: the "next change / previous change" control of the compare page (no dependencies).
// A row marked .syn-changed (words changed, or a paragraph one version lacks) is a stop;
// the buttons, or j and k, scroll to the next or previous stop below or above the top of the window.
(function () {
  "use strict";
  function stops() { return Array.prototype.slice.call(document.querySelectorAll(".syn-row.syn-changed")); }
  function step(direction) {
    var rows = stops(), top = 8, target = null;
    for (var i = 0; i < rows.length; i++) {
      var y = rows[i].getBoundingClientRect().top;
      if (direction > 0 && y > top + 2) { target = rows[i]; break; }
      if (direction < 0 && y < top - 2) { target = rows[i]; }
    }
    if (!target) { return; }
    rows.forEach(function (r) { r.classList.remove("syn-current"); });
    target.classList.add("syn-current");
    window.scrollBy(0, target.getBoundingClientRect().top - top);
  }
  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-syn-step]");
    if (button) { step(Number(button.getAttribute("data-syn-step"))); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.target.closest && event.target.closest("input, select, textarea")) { return; }
    if (event.key === "j") { step(1); } else if (event.key === "k") { step(-1); }
  });
}());
