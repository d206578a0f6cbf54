/* The /query page: YASGUI (served by this service from the npm package) preset to /sparql,
   the named queries as ready examples, and result links to govgraph IRIs opened on this server. */
(function () {
  "use strict";
  var data = document.getElementById("govgraph-query");
  if (!data || !window.Yasgui) { return; }
  var cfg = JSON.parse(data.textContent);
  var form = document.querySelector("form.plain");
  if (form) { form.hidden = true; form.style.display = "none"; }
  var yasgui = new window.Yasgui(document.getElementById("yasgui"), {
    requestConfig: { endpoint: "/sparql", method: "POST" },
    copyEndpointOnNewTab: false,
    persistenceId: null,
    populateFromUrl: false,
    endpointCatalogueOptions: { getData: function () { return []; } },
    yasqe: { value: cfg.query, autocompleters: ["variables"], persistenceId: null },
    yasr: { prefixes: {}, persistenceId: null }
  });
  window.govgraphYasgui = yasgui;

  function run(text) {
    var yasqe = yasgui.getTab().getYasqe();
    yasqe.setValue(text);
    yasqe.query();
  }
  document.querySelectorAll("a.example").forEach(function (a) {
    a.addEventListener("click", function (event) {
      var example = cfg.examples.filter(function (e) { return e.name === a.dataset.example; })[0];
      if (!example) { return; }
      event.preventDefault();
      run(example.sparql);
    });
  });

  /* Result links: https://w3id.org/govgraph/... → the same path on this server. */
  function localise(root) {
    root.querySelectorAll("a[href^='" + cfg.base + "']").forEach(function (a) {
      a.setAttribute("href", "/" + a.getAttribute("href").slice(cfg.base.length));
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localise(document.getElementById("yasgui")); })
    .observe(document.getElementById("yasgui"), { childList: true, subtree: true });
}());
