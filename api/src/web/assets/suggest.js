// Search suggestions for the search boxes: fills the shared <datalist> from
// /api/v1/search/suggest while the visitor types. Without JavaScript the boxes are plain forms
// and work the same, only without suggestions.
(function () {
  "use strict";
  var list = document.getElementById("q-suggestions");
  if (!list || !window.fetch || !window.AbortController) {
    return;
  }
  var timer = null;
  var last = "";
  var pending = null;

  function fill(words) {
    while (list.firstChild) {
      list.removeChild(list.firstChild);
    }
    words.forEach(function (word) {
      var option = document.createElement("option");
      option.value = word;
      list.appendChild(option);
    });
  }

  function ask(q) {
    if (pending) {
      pending.abort();
    }
    pending = new AbortController();
    fetch("/api/v1/search/suggest?limit=8&q=" + encodeURIComponent(q), {
      signal: pending.signal,
      headers: { Accept: "application/json" }
    })
      .then(function (r) { return r.ok ? r.json() : { suggestions: [] }; })
      .then(function (body) { fill(body.suggestions || []); })
      // An aborted or failed request leaves the box as it is: suggestions are a help only.
      .catch(function () {});
  }

  document.querySelectorAll("input[list=q-suggestions]").forEach(function (input) {
    input.addEventListener("input", function () {
      var q = input.value.trim();
      if (q === last) {
        return;
      }
      last = q;
      clearTimeout(timer);
      if (!q) {
        fill([]);
        return;
      }
      // Wait for a pause in typing rather than asking on every key.
      timer = setTimeout(function () { ask(q); }, 150);
    });
  });
})();
