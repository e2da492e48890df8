// A word count under each textarea marked data-word-count, in the way of GOV.UK's character count:
// the visible count follows every keystroke, and screen readers hear it once the writer pauses,
// not on every key.
(function () {
  "use strict";
  var PAUSE_MS = 1000;
  function count(text) {
    var words = text.trim().split(/\s+/);
    return words[0] === "" ? 0 : words.length;
  }
  document.querySelectorAll("textarea[data-word-count]").forEach(function (area) {
    var shown = document.createElement("p");
    shown.className = "govuk-hint portal-word-count";
    shown.id = area.id + "-word-count";
    shown.setAttribute("aria-hidden", "true");
    var spoken = document.createElement("p");
    spoken.className = "govuk-visually-hidden";
    spoken.setAttribute("aria-live", "polite");
    var suggested = parseInt(area.getAttribute("data-suggested-words") || "0", 10);
    var timer = null;
    function text() {
      var n = count(area.value);
      var words = n === 1 ? "1 word" : n + " words";
      return suggested ? words + " (suggested length about " + suggested + ")" : words;
    }
    function update() {
      shown.textContent = text();
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { spoken.textContent = text(); }, PAUSE_MS);
    }
    area.insertAdjacentElement("afterend", spoken);
    area.insertAdjacentElement("afterend", shown);
    var described = (area.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
    area.setAttribute("aria-describedby", described.concat([shown.id]).join(" "));
    area.addEventListener("input", update);
    shown.textContent = text();
  });
})();
