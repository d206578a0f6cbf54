/* The /search page where there is no service (the static site of govgraph build-site): the page
   file carries no results, so the script reads the query from the URL, ranks the entities of
   /search/index.json and fills the table. It restates the ranking of Index.find in
   govgraph/authoring/lookup.py (names and codes come folded from there; the words that do not
   count, the score of a name with the same words and the limit come in the index); the browser
   test compares the two. On the live service the page is answered by the server and the script
   does nothing. */
(function () {
  "use strict";
  var form = document.getElementById("search-form");
  var wanted = new URLSearchParams(location.search).get("q") || "";
  if (!form || form.dataset.q || !wanted.trim()) { return; }

  function fold(text) {
    /* lookup.fold: accents off, lower case, punctuation as spaces */
    return text.normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim().split(/\s+/).filter(Boolean).join(" ");
  }

  function rank(index, query) {
    var q = fold(query);
    if (!q) { return []; }
    var stop = new Set(index.stopwords);
    var words = q.split(" ").filter(function (w) { return !stop.has(w); });
    if (!words.length) { words = q.split(" "); }
    var sameWords = new Set(words);
    var out = [];
    index.entities.forEach(function (e) {
      var best = [0, ""];
      function better(score, text) {
        if (score > best[0] || (score === best[0] && text > best[1])) { best = [score, text]; }
      }
      e.labels.forEach(function (pair) {
        var name = pair[1];
        var tokens = name.split(" ");
        var kept = new Set(tokens.filter(function (t) { return !stop.has(t); }));
        var same = kept.size === sameWords.size &&
          Array.from(kept).every(function (t) { return sameWords.has(t); });
        var every = words.every(function (w) {
          return tokens.some(function (t) { return t.indexOf(w) === 0; });
        });
        better(name === q ? 100 : same ? index.same_words : name.indexOf(q) === 0 ? 80 :
          every ? 60 : 0, pair[0]);
      });
      e.codes.forEach(function (pair) {
        better(pair[1] === q ? 100 : pair[1].indexOf(q) === 0 ? 70 : 0, pair[0]);
      });
      if (best[0]) { out.push({ entity: e, score: best[0], matched: best[1] }); }
    });
    function key(m) { return [-m.score, m.matched.length, m.entity.labels[0][1], m.entity.iri]; }
    out.sort(function (a, b) {
      var x = key(a), y = key(b);
      for (var i = 0; i < x.length; i++) {
        if (x[i] < y[i]) { return -1; }
        if (x[i] > y[i]) { return 1; }
      }
      return 0;
    });
    return out.slice(0, index.limit);
  }

  function cell(row, child) { row.insertCell().appendChild(child); }

  form.elements.q.value = wanted;
  fetch("/search/index.json").then(function (r) { return r.json(); }).then(function (index) {
    var found = rank(index, wanted);
    window.govgraphSearch = function (query) { return rank(index, query); };
    var table = document.getElementById("search-results");
    var body = table.tBodies[0];
    found.forEach(function (m) {
      var row = body.insertRow();
      var a = document.createElement("a");
      a.href = m.entity.href;
      a.title = m.entity.iri;
      a.textContent = m.entity.labels[0][0];
      cell(row, a);
      var code = document.createElement("code");
      code.textContent = m.entity.kind;
      cell(row, code);
      cell(row, document.createTextNode(m.matched));
    });
    document.getElementById("search-count").textContent = String(found.length);
    document.getElementById("search-status").hidden = false;
    table.hidden = !found.length;
  });
}());
