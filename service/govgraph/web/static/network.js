/* The /network page: the network of /api/network drawn with Cytoscape.js (served by this service
   from the npm package). The page embeds the network of its URL's filters; changing a filter
   asks /api/network again and redraws the drawing and the table. Where there is no /api (the
   static site of govgraph build-site: /api/network answers 404), the script filters
   /network/data.json itself (filtered(): the one place it does) and the downloads are the whole
   network of the kind (network/KIND.SUFFIX). A node opens its page; a link shows its role,
   dates, source document and quoted sentence. Without JavaScript the form and the table work
   alone. */
(function () {
  "use strict";
  var data = document.getElementById("govgraph-network");
  var holder = document.getElementById("network");
  if (!data || !holder || !window.cytoscape) { return; }
  var page = JSON.parse(data.textContent);
  var labels = page.labels;
  var form = document.getElementById("network-filters");
  var panel = document.getElementById("network-edge");
  var status = document.getElementById("network-status");
  var table = document.getElementById("network-table");
  holder.hidden = false;
  panel.hidden = false;

  function href(iri) {
    return iri && iri.indexOf(page.base) === 0 ? "/" + iri.slice(page.base.length) : iri;
  }

  function el(tag, text, attrs) {
    var node = document.createElement(tag);
    if (text) { node.textContent = text; }
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    return node;
  }

  function anchor(iri, text) { return el("a", text || iri, { href: href(iri), title: iri }); }

  function names(iris, text) {
    /* space-separated IRIs and their "; "-separated labels as links */
    var span = el("span");
    var parts = (iris || "").split(" ").filter(Boolean);
    var words = (text || "").split("; ");
    parts.forEach(function (iri, i) {
      if (i) { span.appendChild(document.createTextNode(", ")); }
      span.appendChild(anchor(iri, parts.length === words.length ? words[i] : iri));
    });
    return span;
  }

  function dates(e) {
    return e.start || e.end ? (e.start || "") + " – " + (e.end || "") : "";
  }

  function source(e) {
    var cell = el("div");
    if (e.sourceDocument) { cell.appendChild(anchor(e.sourceDocument, e.sourceDocumentLabel)); }
    if (e.sourceDocuments) { cell.appendChild(names(e.sourceDocuments)); }
    if (e.quote) { cell.appendChild(el("blockquote", "«" + e.quote + "»", { lang: "it" })); }
    return cell;
  }

  function show(e, nodes) {
    /* the panel beside the drawing: one link and its evidence */
    panel.textContent = "";
    var title = el("h2");
    title.appendChild(anchor(e.source, nodes[e.source]));
    title.appendChild(document.createTextNode(" → "));
    title.appendChild(anchor(e.target, nodes[e.target]));
    panel.appendChild(title);
    var list = el("dl");
    function row(term, value) {
      if (!value) { return; }
      list.appendChild(el("dt", term));
      var dd = el("dd");
      dd.appendChild(typeof value === "string" ? document.createTextNode(value) : value);
      list.appendChild(dd);
    }
    row(labels.seat, e.seat ? anchor(e.seat, e.roleLabel || e.seatType) : null);
    row(labels.on_behalf_of, e.onBehalfOf ? names(e.onBehalfOf, e.onBehalfOfLabel) : null);
    row(labels.dates, dates(e));
    row(labels.shared_forums, e.forums ? names(e.forums, e.forumLabels) : null);
    panel.appendChild(list);
    panel.appendChild(source(e));
  }

  function fill(network) {
    /* the table, as the server renders it */
    var nodes = {};
    network.nodes.forEach(function (n) { nodes[n.id] = n.label || n.id; });
    var projection = !network.multigraph;
    var head = table.tHead.rows[0];
    head.textContent = "";
    var columns = projection ? ["from", "to", "shared_forums", "source"]
      : ["from", "to", "role", "on_behalf_of", "dates", "source"];
    columns.forEach(function (c) {
      head.appendChild(el("th", labels[c] || c, { scope: "col" }));
    });
    var body = table.tBodies[0];
    body.textContent = "";
    network.edges.forEach(function (e) {
      var tr = el("tr");
      function cell(content) {
        var td = el("td");
        if (content) { td.appendChild(typeof content === "string" ? document.createTextNode(content) : content); }
        tr.appendChild(td);
      }
      cell(anchor(e.source, nodes[e.source]));
      cell(anchor(e.target, nodes[e.target]));
      if (projection) {
        cell(names(e.forums, e.forumLabels));
      } else {
        cell(e.seat ? anchor(e.seat, e.roleLabel || labels.seat) : e.roleLabel);
        cell(e.onBehalfOf ? names(e.onBehalfOf, e.onBehalfOfLabel) : null);
        cell(dates(e));
      }
      cell(source(e));
      body.appendChild(tr);
    });
    status.textContent = network.nodes.length + " " + labels.nodes + " · " +
      network.edges.length + " " + labels.links;
    return nodes;
  }

  var cy = null;
  function draw(network) {
    var nodes = {};
    network.nodes.forEach(function (n) { nodes[n.id] = n.label || n.id; });
    var elements = network.nodes.map(function (n) {
      return { group: "nodes", data: { id: n.id, label: n.label || n.id, kind: n.kind || "other" } };
    }).concat(network.edges.map(function (e, i) {
      return { group: "edges", data: Object.assign({}, e, { id: "e" + i }) };
    }));
    if (cy) { cy.destroy(); }
    cy = window.cytoscape({
      container: holder,
      elements: elements,
      style: [
        { selector: "node", style: { label: "data(label)", "font-size": 9, "text-wrap": "ellipsis",
          "text-max-width": 120, "background-color": "#0b5e8a", width: 14, height: 14 } },
        { selector: "node[kind = 'forum']", style: { shape: "round-rectangle",
          "background-color": "#2e8b57", width: 20, height: 20 } },
        { selector: "node[kind = 'person'], node[kind = 'post']", style: { shape: "diamond",
          "background-color": "#c98a00" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#9aa7b3", "curve-style": "bezier",
          "target-arrow-shape": network.directed ? "triangle" : "none",
          "target-arrow-color": "#9aa7b3" } },
        { selector: "edge:selected", style: { "line-color": "#d9480f", width: 3,
          "target-arrow-color": "#d9480f" } }
      ],
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 8000 }
    });
    cy.on("tap", "node", function (event) { window.location.href = href(event.target.id()); });
    cy.on("tap", "edge", function (event) { show(event.target.data(), nodes); });
    window.govgraphNetwork = cy;
  }

  /* --- without /api: the filters of /api/network, applied to /network/data.json --------- */

  function validOn(e, day) {
    /* the as_of rule of queries/representations.rq: dates keep their precision and are compared
       on their common prefix; a seat without a start or an end is kept */
    return (!e.start || day.slice(0, e.start.length) >= e.start) &&
      (!e.end || day.slice(0, e.end.length) <= e.end);
  }

  function project(edges, base) {
    /* the bodies network (analysis/network.py _project): principals linked by their forums */
    var byForum = {};
    edges.forEach(function (e) {
      var forum = byForum[e.forum] = byForum[e.forum] || {};
      (forum[e.source] = forum[e.source] || []).push(e);
    });
    var used = {}, links = {};
    function add(set, value) { if (value) { set[value] = true; } }
    Object.keys(byForum).forEach(function (forum) {
      var principals = Object.keys(byForum[forum]).sort();
      principals.forEach(function (a, i) {
        used[a] = true;
        principals.slice(i + 1).forEach(function (b) {
          var key = a + " " + b;
          var link = links[key] = links[key] || { source: a, target: b, forums: {},
            forumLabels: {}, seats: {}, documents: {} };
          add(link.forums, forum);
          byForum[forum][a].concat(byForum[forum][b]).forEach(function (r) {
            add(link.forumLabels, r.forumLabel || forum);
            add(link.seats, r.seat);
            add(link.documents, r.sourceDocument);
          });
        });
      });
    });
    function joined(set, separator) { return Object.keys(set).sort().join(separator); }
    return { directed: false, multigraph: false, graph: {},
      nodes: base.nodes.filter(function (n) { return used[n.id]; }),
      edges: Object.keys(links).map(function (key) {
        var l = links[key];
        return { source: l.source, target: l.target, weight: Object.keys(l.forums).length,
          forums: joined(l.forums, " "), forumLabels: joined(l.forumLabels, "; "),
          seats: joined(l.seats, " "), sourceDocuments: joined(l.documents, " ") };
      }) };
  }

  function filtered(data, filters) {
    /* the network of these filters (kind, as_of, region, forum_kind) from the offline data */
    var kind = filters.kind || "bodies-forums";
    var base = data.networks[kind === "bodies" ? "bodies-forums" : kind];
    if (!base) { throw new Error("no network kind " + kind); }
    var reach = {};
    (data.regions[filters.region] || []).forEach(function (f) { reach[f] = true; });
    var edges = base.edges.filter(function (e) {
      return (!filters.as_of || validOn(e, filters.as_of)) &&
        (!filters.region || reach[e.forum] === true) &&
        (!filters.forum_kind || data.forumKinds[e.forum] === filters.forum_kind);
    });
    if (kind === "bodies") { return project(edges, base); }
    var used = {};
    edges.forEach(function (e) { used[e.source] = used[e.target] = true; });
    return { directed: base.directed, multigraph: base.multigraph, graph: base.graph,
      nodes: base.nodes.filter(function (n) { return used[n.id]; }), edges: edges };
  }

  var offline = null;  /* the offline data (a promise), once /api/network answered 404 */
  function offlineData() {
    offline = offline || fetch("/network/data.json").then(function (answer) {
      if (!answer.ok) { throw new Error("/network/data.json: " + answer.status); }
      return answer.json();
    });
    return offline;
  }
  /* for the tests and the console: the network of some filters, filtered here */
  window.govgraphFilter = function (filters) {
    return offlineData().then(function (data) { return filtered(data, filters); });
  };

  function fetchNetwork(filters) {
    if (offline) { return window.govgraphFilter(filters); }
    var params = new URLSearchParams(filters);
    params.set("format", "json");
    return fetch("/api/network?" + params.toString(), { headers: { Accept: "application/json" } })
      .then(function (answer) {
        if (answer.status === 404) { return window.govgraphFilter(filters); }
        return answer.json().then(function (body) {
          if (!answer.ok) { throw new Error(typeof body.detail === "string" ? body.detail
            : body.detail.map(function (d) { return d.msg; }).join("; ")); }
          return body;
        });
      });
  }

  function downloads(filters) {
    /* a whole network (no filter but the kind, or no /api) is a file of its own */
    var query = new URLSearchParams(filters).toString();
    var whole = offline || Object.keys(filters).every(function (k) { return k === "kind"; });
    document.querySelectorAll("a.api[data-format]").forEach(function (a) {
      a.href = whole ? "/network/" + (filters.kind || "bodies-forums") + "." + a.dataset.suffix
        : "/api/network?" + (query ? query + "&" : "") + "format=" + a.dataset.format;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var filters = {};
    var lang = "";
    new FormData(form).forEach(function (value, key) {
      if (key === "lang") { lang = value; } else if (value) { filters[key] = value; }
    });
    var query = new URLSearchParams(filters).toString();
    fetchNetwork(filters)
      .then(function (network) {
        downloads(filters);
        fill(network);
        draw(network);
        if (offline) { status.textContent += " · " + labels.offline; }
        var url = (lang ? "lang=" + encodeURIComponent(lang) + "&" : "") + query;
        history.replaceState(null, "", location.pathname + (url ? "?" + url.replace(/&$/, "") : ""));
      })
      .catch(function (error) {
        status.textContent = "";
        status.appendChild(el("strong", error.message, { class: "error" }));
      });
  });

  draw(page.network);
  /* a static page is the same whatever its URL's filters: apply them here */
  var asked = new URLSearchParams(location.search);
  var differs = false;
  Array.prototype.forEach.call(form.elements, function (field) {
    if (!field.name || field.name === "lang" || !asked.has(field.name)) { return; }
    if (asked.get(field.name) !== (page.filters[field.name] || "")) {
      field.value = asked.get(field.name);
      differs = true;
    }
  });
  if (differs) { form.requestSubmit(); }
})();
