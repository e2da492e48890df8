// Live word count under each textarea marked data-word-count, announced politely to screen readers.
(function () {
  "use strict";
  function count(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  document.querySelectorAll("textarea[data-word-count]").forEach(function (area) {
    var out = document.createElement("p");
    out.className = "govuk-hint portal-word-count";
    out.setAttribute("aria-live", "polite");
    out.id = area.id + "-word-count";
    var suggested = parseInt(area.getAttribute("data-suggested-words") || "0", 10);
    function update() {
      var n = count(area.value);
      var text = n === 1 ? "1 word" : n + " words";
      if (suggested) {
        text += " (suggested length about " + suggested + ")";
      }
      out.textContent = text;
    }
    area.insertAdjacentElement("afterend", out);
    area.addEventListener("input", update);
    update();
  });
})();
